"""HTTP routes, one module per resource. Each module exposes `routes` (a RouteTableDef)."""
