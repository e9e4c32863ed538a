import Fluent

struct M003_CreateUnits: AsyncMigration {
    var name: String { "003_CreateUnits" }

    func prepare(on db: any Database) async throws {
        try await db.schema("units")
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("region_code", .int, .required, .references("regions", "code"))
            .field("parent_unit_id", .int, .references("units", .id))
            .unique(on: "name")
            .create()
        try await createIndex(on: db, "units_region", table: "units", columns: ["region_code"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("units").delete()
    }
}
