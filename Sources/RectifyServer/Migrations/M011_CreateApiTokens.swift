import Fluent

/// API tokens for programs: shown once, stored as a SHA-256 hash.
struct M011_CreateApiTokens: AsyncMigration {
    var name: String { "011_CreateApiTokens" }

    func prepare(on db: any Database) async throws {
        try await db.schema("api_tokens")
            .field(.id, .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked", .bool, .required)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("api_tokens").delete()
    }
}
