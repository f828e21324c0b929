"""The tumour-board web application: server-rendered pages (Jinja2 + HTMX), no build step,
no network access needed by the browser beyond this server."""
