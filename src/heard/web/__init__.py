"""The web layer: server-rendered pages and the JSON API, thin over the domain packages."""
