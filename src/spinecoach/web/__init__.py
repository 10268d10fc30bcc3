"""The web app: create_app(), thin routes, the live-coaching WebSocket, pages."""
