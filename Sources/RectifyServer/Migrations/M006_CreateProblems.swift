import Fluent

struct M006_CreateProblems: AsyncMigration {
    var name: String { "006_CreateProblems" }

    func prepare(on db: any Database) async throws {
        try await db.schema("problems")
            .field(.id, .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("aspect", .string, .required)
            .field("text", .string, .required)
            .unique(on: "inspection_id", "number")
            .create()
        try await db.schema("problem_regions")
            .field(.id, .int, .identifier(auto: true))
            .field("problem_id", .int, .required, .references("problems", .id, onDelete: .cascade))
            .field("region_code", .int, .required, .references("regions", "code"))
            .unique(on: "problem_id", "region_code")
            .create()
        try await createIndex(on: db, "problem_regions_region", table: "problem_regions", columns: ["region_code"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("problem_regions").delete()
        try await db.schema("problems").delete()
    }
}
