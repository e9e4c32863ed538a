import Fluent

/// 责任追究 (issue 13 §4): leads handed over by the team or found in rectification, the
/// tasks and petition cases they concern, and the people held to account.
struct M019_CreateAccountability: AsyncMigration {
    var name: String { "019_CreateAccountability" }

    func prepare(on db: any Database) async throws {
        try await db.schema("accountability_cases")
            .field(.id, .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", .id))
            .field("region_code", .int, .required, .references("regions", "code"))
            .field("source", .string, .required)
            .field("summary", .string, .required)
            .field("received_on", .string, .required)
            .field("task_ids", .string, .required)
            .field("petition_ids", .string, .required)
            .field("created_by", .int, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex(on: db, "accountability_cases_region", table: "accountability_cases", columns: ["region_code"])
        try await db.schema("accountability_people")
            .field(.id, .int, .identifier(auto: true))
            .field("case_id", .int, .required, .references("accountability_cases", .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("post", .string, .required)
            .field("rank", .string, .required)
            .field("organisation", .string, .required)
            .field("measure", .string, .required)
            .field("decided_on", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex(on: db, "accountability_people_case", table: "accountability_people", columns: ["case_id"])
    }

    func revert(on db: any Database) async throws {
        try await db.schema("accountability_people").delete()
        try await db.schema("accountability_cases").delete()
    }
}
