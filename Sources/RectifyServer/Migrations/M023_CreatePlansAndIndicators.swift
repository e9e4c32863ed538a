import Fluent
import Foundation
import RectifyCore

/// 整改方案 versions and 目标指标 (issue 15): the plan as an approved document with its
/// baseline, the indicator catalogue (the national indicators preloaded), each region's
/// targets and the values reported against them.
struct M023_CreatePlansAndIndicators: AsyncMigration {
    var name: String { "023_CreatePlansAndIndicators" }

    func prepare(on db: any Database) async throws {
        try await db.schema("rectification_plans")
            .field(.id, .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", .id))
            .field("version", .int, .required)
            .field("title", .string, .required)
            .field("document_number", .string, .required)
            .field("approved_by", .string, .required)
            .field("approved_on", .string, .required)
            .field("baseline", .string, .required)
            .field("file_id", .int, .references("evidence_files", .id))
            .field("file_name", .string)
            .field("created_by", .int, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .unique(on: "inspection_id", "version")
            .create()
        try await db.schema("indicators")
            .field(.id, .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("unit", .string, .required)
            .field("direction", .string, .required)
            .field("area", .string, .required)
            .field("decimals", .int, .required)
            .field("lower_bound", .double, .required)
            .field("upper_bound", .double, .required)
            .field("national", .bool, .required)
            .unique(on: "code")
            .unique(on: "name")
            .create()
        try await db.schema("indicator_targets")
            .field(.id, .int, .identifier(auto: true))
            .field("indicator_id", .int, .required, .references("indicators", .id))
            .field("region_code", .int, .required, .references("regions", "code"))
            .field("inspection_id", .int, .references("inspections", .id))
            .field("baseline_year", .int, .required)
            .field("baseline_value", .double, .required)
            .field("target_year", .int, .required)
            .field("target_value", .double, .required)
            .field("path", .string, .required)
            .field("tolerance_percent", .double, .required)
            .field("unit_id", .int, .references("units", .id))
            .field("task_ids", .string, .required)
            .field("published", .bool, .required)
            .field("note", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "indicator_id", "region_code")
            .create()
        try await createIndex(on: db, "indicator_targets_region", table: "indicator_targets", columns: ["region_code"])
        try await db.schema("indicator_values")
            .field(.id, .int, .identifier(auto: true))
            .field("target_id", .int, .required, .references("indicator_targets", .id, onDelete: .cascade))
            .field("year", .int, .required)
            .field("month", .int, .required)
            .field("value", .double, .required)
            .field("entered_by", .int, .required, .references("users", .id))
            .field("entered_at", .datetime, .required)
            .unique(on: "target_id", "year", "month")
            .create()
        for spec in IndicatorCatalog.national { try await Indicator(spec: spec).create(on: db) }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("indicator_values").delete()
        try await db.schema("indicator_targets").delete()
        try await db.schema("indicators").delete()
        try await db.schema("rectification_plans").delete()
    }
}
