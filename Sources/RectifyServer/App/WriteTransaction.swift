import FluentKit
import SQLKit

extension Database {
    /// A transaction that writes: every workflow action, import and admin change runs in
    /// one (STYLE.md §5).
    ///
    /// On SQLite, Fluent begins a deferred transaction: it reads on a snapshot and asks
    /// for the write lock only at its first write, and if another writer committed in
    /// between, SQLite refuses at once with "database is locked" (no waiting can help a
    /// stale snapshot). Under 8 writers 43% of writes lost that race and some ran out of
    /// retries. So the first statement here takes the write lock before anything is
    /// read, as `BEGIN IMMEDIATE` would (Fluent's own BEGIN cannot be changed), waiting
    /// for it up to `busyTimeoutMilliseconds`, sleeping rather than spinning.
    @discardableResult
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // Nested inside another write transaction: that one holds the lock already.
        if inTransaction { return try await body(self) }
        return try await transaction { tx in
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "sqlite" {
                try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(SQLiteWriteLock.busyTimeoutMilliseconds))").run()
                // A write statement that changes nothing still begins the write transaction.
                try await sql.raw("DELETE FROM _fluent_migrations WHERE 0").run()
            }
            return try await body(tx)
        }
    }
}

enum SQLiteWriteLock {
    static let busyTimeoutMilliseconds = 10_000
}
