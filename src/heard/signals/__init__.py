"""Customer signals: scoring of customer messages (emotions, sentiment, distress, effort)."""
