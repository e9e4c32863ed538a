import Fluent

/// 信访举报件 handed over by an inspection team, in batches (issue 13 §1). The
/// complainant's particulars live on the case and leave the server only for the office
/// and the case's units.
struct M018_CreatePetitions: AsyncMigration {
    var name: String { "018_CreatePetitions" }

    func prepare(on db: any Database) async throws {
        try await db.schema("petition_batches")
            .field(.id, .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", .id))
            .field("number", .int, .required)
            .field("handed_over_on", .string, .required)
            .field("reply_by", .string, .required)
            .field("team", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "inspection_id", "number")
            .create()
        try await db.schema("petition_cases")
            .field(.id, .int, .identifier(auto: true))
            .field("batch_id", .int, .required, .references("petition_batches", .id))
            .field("case_number", .string, .required)
            .field("source", .string, .required)
            .field("place", .string, .required)
            // The place made comparable, for repeat complaints across batches and inspections.
            .field("place_key", .string, .required)
            .field("region_code", .int, .required, .references("regions", "code"))
            .field("complaint", .string, .required)
            .field("pollution_kinds", .string, .required)
            .field("key_case", .bool, .required)
            .field("due_date", .string, .required)
            .field("status", .string, .required)
            .field("finding", .string)
            .field("findings", .string, .required)
            .field("measures", .string, .required)
            .field("fine_yuan", .int, .required)
            .field("fined_companies", .int, .required)
            .field("detained", .int, .required)
            .field("summoned", .int, .required)
            .field("held_to_account", .int, .required)
            .field("stage_concluded_on", .string)
            .field("concluded_on", .string)
            .field("follow_up", .string)
            .field("task_id", .int, .references("tasks", .id))
            .field("complainant_name", .string, .required)
            .field("complainant_phone", .string, .required)
            .field("complainant_id_number", .string, .required)
            .field("complainant_address", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "batch_id", "case_number")
            .create()
        try await createIndex(on: db, "petition_cases_region", table: "petition_cases", columns: ["region_code", "status"])
        try await createIndex(on: db, "petition_cases_place", table: "petition_cases", columns: ["place_key"])
        try await db.schema("petition_case_units")
            .field(.id, .int, .identifier(auto: true))
            .field("case_id", .int, .required, .references("petition_cases", .id, onDelete: .cascade))
            .field("unit_id", .int, .required, .references("units", .id))
            .unique(on: "case_id", "unit_id")
            .create()
        try await createIndex(on: db, "petition_case_units_unit", table: "petition_case_units", columns: ["unit_id"])
    }

    func revert(on db: any Database) async throws {
        for table in ["petition_case_units", "petition_cases", "petition_batches"] { try await db.schema(table).delete() }
    }
}
