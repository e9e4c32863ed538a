import Fluent

/// Each office's thresholds for the schedule rules, when a milestone was reached, and
/// since when a task's light has been what it is (for suggested supervision orders).
struct M014_CreateOfficeSettings: AsyncMigration {
    var name: String { "014_CreateOfficeSettings" }

    func prepare(on db: any Database) async throws {
        try await db.schema("office_settings")
            .field("region_code", .int, .identifier(auto: false), .references("regions", "code"))
            .field("yellow_lag_points", .int, .required)
            .field("unclaimed_days", .int, .required)
            .field("red_days_before_order", .int, .required)
            .create()
        try await db.schema("task_milestones").field("reached_on", .string).update()
        try await db.schema("tasks").field("light_since", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("tasks").deleteField("light_since").update()
        try await db.schema("task_milestones").deleteField("reached_on").update()
        try await db.schema("office_settings").delete()
    }
}
