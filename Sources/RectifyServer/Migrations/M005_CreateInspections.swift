import Fluent

struct M005_CreateInspections: AsyncMigration {
    var name: String { "005_CreateInspections" }

    func prepare(on db: any Database) async throws {
        try await db.schema("inspections")
            .field(.id, .int, .identifier(auto: true))
            .field("title", .string, .required)
            .field("level", .string, .required)
            .field("round", .int)
            .field("kind", .string, .required)
            .field("team", .string, .required)
            .field("target_region_code", .int, .required, .references("regions", "code"))
            .field("stationed_from", .string)
            .field("stationed_until", .string)
            .field("feedback_date", .string)
            .field("plan_approved_date", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await createIndex(on: db, "inspections_region", table: "inspections", columns: ["target_region_code"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("inspections").delete()
    }
}
