"""The services: one module per area, each owning its transactions. Usable without the CLI."""
