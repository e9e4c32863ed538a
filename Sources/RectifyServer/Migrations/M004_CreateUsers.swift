import Fluent

struct M004_CreateUsers: AsyncMigration {
    var name: String { "004_CreateUsers" }

    func prepare(on db: any Database) async throws {
        try await db.schema("users")
            .field(.id, .int, .identifier(auto: true))
            .field("display_name", .string, .required)
            .field("login", .string, .required)
            .field("password_hash", .string, .required)
            .field("unit_id", .int, .references("units", .id))
            .field("roles", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "login")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("users").delete()
    }
}
