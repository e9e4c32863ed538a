import Fluent
import SQLKit
import Vapor
import RectifyCore

final class OfficeSettings: Model, @unchecked Sendable {
    static let schema = "office_settings"

    @ID(custom: "region_code", generatedBy: .user) var id: Int?
    @Field(key: "yellow_lag_points") var yellowLagPoints: Int
    @Field(key: "unclaimed_days") var unclaimedDays: Int
    @Field(key: "red_days_before_order") var redDaysBeforeOrder: Int

    init() {}

    /// The settings of the nearest office at or above a region; defaults if none set.
    static func effective(for regionCode: Int?, on db: any Database) async throws -> ScheduleSettings {
        guard let code = regionCode else { return ScheduleSettings() }
        let candidates = offices(above: code)
        // A plain statement: it is read on every task page and every task write.
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let rows = try await sql.raw("""
            SELECT region_code, yellow_lag_points, unclaimed_days, red_days_before_order FROM office_settings \
            WHERE region_code IN (\(bind: candidates[0]), \(bind: candidates[1]), \(bind: candidates[2]))
            """).all()
        var found: [Int: ScheduleSettings] = [:]
        for r in rows {
            found[try r.integer("region_code")] = ScheduleSettings(
                yellowLagPoints: try r.integer("yellow_lag_points"), unclaimedDays: try r.integer("unclaimed_days"),
                redDaysBeforeOrder: try r.integer("red_days_before_order"))
        }
        return nearest(found, above: code)
    }

    /// The offices whose settings apply to a region, nearest first: its own, its city's, its province's.
    static func offices(above code: Int) -> [Int] { [code, code / 100 * 100, code / 10_000 * 10_000] }

    /// The settings of the nearest of `offices(above:)` that has any; defaults if none.
    static func nearest(_ found: [Int: ScheduleSettings], above code: Int) -> ScheduleSettings {
        offices(above: code).lazy.compactMap { found[$0] }.first ?? ScheduleSettings()
    }
}
