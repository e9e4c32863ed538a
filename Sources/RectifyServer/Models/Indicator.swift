import Fluent
import Foundation
import RectifyCore

/// 整改方案, one approved version (issue 15 §1).
final class RectificationPlan: Model, @unchecked Sendable {
    static let schema = "rectification_plans"

    @ID(custom: .id) var id: Int?
    @Parent(key: "inspection_id") var inspection: Inspection
    @Field(key: "version") var version: Int
    @Field(key: "title") var title: String
    @Field(key: "document_number") var documentNumber: String
    @Field(key: "approved_by") var approvedBy: String
    @Field(key: "approved_on") var approvedOn: String
    /// `PlanBaseline` as JSON: the problems and tasks as they stood when approved.
    @Field(key: "baseline") var baselineJSON: String
    @OptionalParent(key: "file_id") var file: EvidenceFile?
    @OptionalField(key: "file_name") var fileName: String?
    /// Nil when written from the command line.
    @OptionalParent(key: "created_by") var createdBy: User?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var baseline: PlanBaseline {
        (try? JSONDecoder().decode(PlanBaseline.self, from: Data(baselineJSON.utf8))) ?? PlanBaseline(problems: 0, tasks: [])
    }
}

/// 核减: a task the approving body took out of the plan, cancelled or merged into another.
final class TaskWithdrawal: Model, @unchecked Sendable {
    static let schema = "task_withdrawals"

    @ID(custom: .id) var id: Int?
    @Parent(key: "task_id") var task: TaskRecord
    @Parent(key: "inspection_id") var inspection: Inspection
    @Field(key: "kind") var kind: PlanWithdrawal
    @OptionalParent(key: "merged_into_task_id") var mergedInto: TaskRecord?
    @Field(key: "document_number") var documentNumber: String
    @Field(key: "approved_on") var approvedOn: String
    @Field(key: "reason") var reason: String
    @OptionalParent(key: "created_by") var createdBy: User?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// 目标指标 in the catalogue.
final class Indicator: Model, @unchecked Sendable {
    static let schema = "indicators"

    @ID(custom: .id) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "unit") var unit: String
    @Field(key: "direction") var direction: IndicatorDirection
    @Field(key: "area") var area: IndicatorArea
    @Field(key: "decimals") var decimals: Int
    @Field(key: "lower_bound") var lowerBound: Double
    @Field(key: "upper_bound") var upperBound: Double
    /// Preloaded from the national catalogue (not editable).
    @Field(key: "national") var national: Bool

    init() {}

    init(spec: IndicatorSpec, national: Bool = true) {
        code = spec.code
        name = spec.name
        unit = spec.unit
        direction = spec.direction
        area = spec.area
        decimals = spec.decimals
        lowerBound = spec.range.lowerBound
        upperBound = spec.range.upperBound
        self.national = national
    }

    var spec: IndicatorSpec {
        IndicatorSpec(code: code, name: name, unit: unit, direction: direction, area: area, decimals: decimals,
                      range: IndicatorSpec.range(lowerBound, upperBound))
    }
}

/// 目标: one region's baseline, target and path for an indicator.
final class IndicatorTarget: Model, @unchecked Sendable {
    static let schema = "indicator_targets"

    @ID(custom: .id) var id: Int?
    @Parent(key: "indicator_id") var indicator: Indicator
    @Field(key: "region_code") var regionCode: Int
    @OptionalParent(key: "inspection_id") var inspection: Inspection?
    @Field(key: "baseline_year") var baselineYear: Int
    @Field(key: "baseline_value") var baselineValue: Double
    @Field(key: "target_year") var targetYear: Int
    @Field(key: "target_value") var targetValue: Double
    /// Year targets, “2023:33,2024:32”.
    @Field(key: "path") var pathText: String
    @Field(key: "tolerance_percent") var tolerancePercent: Double
    /// The unit that reports the values (责任单位); the office always may.
    @OptionalParent(key: "unit_id") var unit: Unit?
    @Field(key: "task_ids") var taskIDsText: String
    /// Shown on the public portal.
    @Field(key: "published") var published: Bool
    @Field(key: "note") var note: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    static func yearly(_ text: String) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":")
            if parts.count == 2, let y = Int(parts[0]), let v = Double(parts[1]), v.isFinite { out[y] = v }
        }
        return out
    }

    static func text(_ yearly: [Int: Double]) -> String {
        yearly.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }

    var path: IndicatorPath {
        IndicatorPath(baselineYear: baselineYear, baselineValue: baselineValue, targetYear: targetYear, targetValue: targetValue,
                      yearly: Self.yearly(pathText), tolerancePercent: tolerancePercent)
    }

    var taskIDs: [Int] { AccountabilityCase.ids(taskIDsText) }
}

/// 监测值: a value for a year, or for the year to a month.
final class IndicatorValue: Model, @unchecked Sendable {
    static let schema = "indicator_values"

    @ID(custom: .id) var id: Int?
    @Parent(key: "target_id") var target: IndicatorTarget
    @Field(key: "year") var year: Int
    @Field(key: "month") var month: Int
    @Field(key: "value") var value: Double
    /// Nil when written from the command line (`rectify indicators import`).
    @OptionalParent(key: "entered_by") var enteredBy: User?
    @Field(key: "entered_at") var enteredAt: Date

    init() {}
}
