import Fluent
import SQLKit

/// Issue 13 §1: 责令整改 is its own flag (the 一览表 and the report count it), a case
/// remembers when its handling was last reported (a dispatch round collects case
/// progress), and a task finds its cases by index.
struct M020_UpdatePetitionCases: AsyncMigration {
    var name: String { "020_UpdatePetitionCases" }

    func prepare(on db: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds no more at a time.
        try await db.schema("petition_cases")
            .field(.definition(name: .key("ordered_rectification"), dataType: .bool, constraints: [.required, .sql(.default(false))]))
            .update()
        try await db.schema("petition_cases").field("progressed_at", .datetime).update()
        try await createIndex(on: db, "petition_cases_task", table: "petition_cases", columns: ["task_id"])
    }

    func revert(on db: any Database) async throws {
        try await dropIndex(on: db, "petition_cases_task")
        try await db.schema("petition_cases").deleteField("progressed_at").update()
        try await db.schema("petition_cases").deleteField("ordered_rectification").update()
    }
}
