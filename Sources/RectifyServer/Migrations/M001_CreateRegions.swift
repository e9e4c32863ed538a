import Fluent

struct M001_CreateRegions: AsyncMigration {
    var name: String { "001_CreateRegions" }

    func prepare(on db: any Database) async throws {
        try await db.schema("regions")
            .field("code", .int, .identifier(auto: false))
            .field("name", .string, .required)
            .field("level", .string, .required)
            .field("parent_code", .int, .references("regions", "code"))
            .create()
        try await createIndex(on: db, "regions_parent", table: "regions", columns: ["parent_code"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("regions").delete()
    }
}
