"""Services: one module per noun the CLI offers; rows through psmctl.db, decisions by psmctl.rules."""
