import Fluent
import SQLKit

/// Fluent's schema builder has no plain (non-unique) indexes; SQLKit does, in SQL
/// that SQLite and PostgreSQL both speak.
func createIndex(on db: any Database, _ name: String, table: String, columns: [String]) async throws {
    guard let sql = db as? any SQLDatabase else { return }
    var builder = sql.create(index: name).on(table)
    for column in columns { builder = builder.column(column) }
    try await builder.run()
}

func dropIndex(on db: any Database, _ name: String) async throws {
    guard let sql = db as? any SQLDatabase else { return }
    try await sql.drop(index: name).run()
}
