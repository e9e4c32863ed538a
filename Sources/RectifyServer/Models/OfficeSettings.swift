import Fluent
import RectifyCore

final class OfficeSettings: Model, @unchecked Sendable {
    static let schema = "office_settings"

    @ID(custom: "region_code", generatedBy: .user) var id: Int?
    @Field(key: "yellow_lag_points") var yellowLagPoints: Int
    @Field(key: "unclaimed_days") var unclaimedDays: Int
    @Field(key: "red_days_before_order") var redDaysBeforeOrder: Int

    init() {}

    var settings: ScheduleSettings {
        ScheduleSettings(yellowLagPoints: yellowLagPoints, unclaimedDays: unclaimedDays, redDaysBeforeOrder: redDaysBeforeOrder)
    }

    /// The settings of the nearest office at or above a region; defaults if none set.
    static func effective(for regionCode: Int?, on db: any Database) async throws -> ScheduleSettings {
        guard let code = regionCode else { return ScheduleSettings() }
        let candidates = [code, code / 100 * 100, code / 10_000 * 10_000]
        let rows = try await OfficeSettings.query(on: db).filter(\.$id ~~ candidates).all()
        for c in candidates { if let row = rows.first(where: { $0.id == c }) { return row.settings } }
        return ScheduleSettings()
    }
}
