package db

// MigrateFS applies the migrations of fsys (a migrations/ folder) as Migrate applies the embedded ones.
var MigrateFS = (*DB).migrateFS
