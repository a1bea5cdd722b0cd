"""The database: engine, models, queries and migrations. Imports the core only."""
