import Fluent

/// Server-side sessions of our own (Vapor's Fluent sessions rewrote every session on
/// every request, made one for every Bearer call and never expired). The id is the
/// SHA-256 of the cookie's value, so the table alone logs no one in.
struct M016_CreateUserSessions: AsyncMigration {
    var name: String { "016_CreateUserSessions" }

    func prepare(on db: any Database) async throws {
        try await db.schema("user_sessions")
            .field("id", .string, .identifier(auto: false))
            .field("user_id", .int, .required, .references("users", .id, onDelete: .cascade))
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .create()
        try await createIndex(on: db, "user_sessions_user", table: "user_sessions", columns: ["user_id"])
        try await createIndex(on: db, "user_sessions_last_seen", table: "user_sessions", columns: ["last_seen_at"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("user_sessions").delete()
    }
}
