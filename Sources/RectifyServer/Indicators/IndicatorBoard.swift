import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// The targets a user may read with their values, in two statements however many there
/// are: what the API, the indicators page, the portal, the report and the export share,
/// so every view of an indicator prints the same figures and lights.
struct IndicatorBoard: Sendable {
    struct Point: Sendable, Equatable {
        let period: IndicatorPeriod
        let value: Double
    }

    struct Line: Sendable {
        let targetID: Int
        let indicatorID: Int
        let spec: IndicatorSpec
        let national: Bool
        let regionCode: Int
        let regionName: String
        let inspectionID: Int?
        let path: IndicatorPath
        let unitID: Int?
        let unitName: String?
        let taskIDs: [Int]
        let published: Bool
        let note: String
        let version: Int
        /// Oldest first.
        let points: [Point]

        var latest: Point? { points.last }

        func value(at p: IndicatorPeriod) -> Double? { points.last { $0.period == p }?.value }

        func light(_ p: Point) -> IndicatorLight { IndicatorLight.of(p.value, year: p.period.year, path: path, spec: spec) }

        /// The same period a year before, when it was reported.
        func previous(_ p: Point) -> Double? { p.period.yearBefore.flatMap(value(at:)) }

        func yearOnYear(_ p: Point) -> String? {
            previous(p).map { YearOnYear(current: p.value, previous: $0).words(spec: spec) }
        }

        /// The latest value of a period ended by `day` (a month's once the month is over, a year's
        /// once the year is): what a report or the portal as of that day speaks of.
        func reportable(asOf day: LocalDate) -> Point? {
            points.last { p in p.period.year < day.year || (p.period.year == day.year && p.period.month != 0 && p.period.month < day.month) }
        }

        func sentence(at p: Point) -> String {
            IndicatorSentence.of(spec: spec, regionName: regionName, period: p.period, value: p.value, previous: previous(p), path: path)
        }
    }

    struct Filter: Sendable {
        var indicatorID: Int?
        var region: ClosedRange<Int>?
        var area: IndicatorArea?
        var inspectionID: Int?
        var publishedOnly = false
        /// Which targets come with every value (for their charts and tables): those of these
        /// regions, or all when nil. The others bring only their latest value and the value a
        /// year before it (their light and 同比), which is what lists, matrices and rankings show.
        var everyValue: ClosedRange<Int>? = nil
        /// No target brings more than its latest value and the year before it.
        var latestOnly = false
    }

    let lines: [Line]

    /// A stored number as the JSON encoder can write it (PostgreSQL keeps NaN and infinities; nothing we write does).
    static func finite(_ v: Double) -> Double { v.isFinite ? v : 0 }

    static func year(_ y: Int) -> Int { min(max(y, IndicatorPeriod.years.lowerBound), IndicatorPeriod.years.upperBound) }

    static func load(_ access: Access?, _ f: Filter, on db: any Database) async throws -> IndicatorBoard {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var conditions: [SQLQueryString] = [access.map { IndicatorAccess(access: $0).scope } ?? "t.published = \(bind: true)"]
        if f.publishedOnly { conditions.append("t.published = \(bind: true)") }
        if let i = f.indicatorID { conditions.append("t.indicator_id = \(bind: i)") }
        if let r = f.region { conditions.append("t.region_code BETWEEN \(bind: r.lowerBound) AND \(bind: r.upperBound)") }
        if let a = f.area { conditions.append("i.area = \(bind: a.rawValue)") }
        if let i = f.inspectionID { conditions.append("t.inspection_id = \(bind: i)") }
        let condition = conditions.joined(separator: " AND ")
        struct T: Decodable {
            let id: Int; let indicator_id: Int; let region_code: Int; let inspection_id: Int?; let baseline_year: Int
            let baseline_value: Double; let target_year: Int; let target_value: Double; let path: String; let tolerance_percent: Double
            let unit_id: Int?; let task_ids: String; let published: Bool; let note: String; let version: Int
            let code: String; let name: String; let unit: String; let direction: String; let area: String; let decimals: Int
            let lower_bound: Double; let upper_bound: Double; let national: Bool; let region_name: String?; let unit_name: String?
        }
        let targets = try await sql.raw("""
            SELECT t.id, t.indicator_id, t.region_code, t.inspection_id, t.baseline_year, t.baseline_value, t.target_year, t.target_value, \
            t.path, t.tolerance_percent, t.unit_id, t.task_ids, t.published, t.note, t.version, i.code, i.name, i.unit, i.direction, i.area, \
            i.decimals, i.lower_bound, i.upper_bound, i.national, r.name AS region_name, u.name AS unit_name \
            FROM indicator_targets t JOIN indicators i ON i.id = t.indicator_id LEFT JOIN regions r ON r.code = t.region_code \
            LEFT JOIN units u ON u.id = t.unit_id WHERE \(condition) ORDER BY i.id, t.region_code
            """).all(decoding: T.self)
        guard !targets.isEmpty else { return IndicatorBoard(lines: []) }
        struct V: Decodable { let target_id: Int; let year: Int; let month: Int; let value: Double }
        let ids: SQLQueryString = "SELECT t.id FROM indicator_targets t JOIN indicators i ON i.id = t.indicator_id WHERE \(condition)"
        // A period as one number that sorts as periods do (the whole year after December).
        let order: SQLQueryString = "(v.year * 16 + CASE WHEN v.month = 0 THEN 13 ELSE v.month END)"
        let latest: (SQLQueryString) -> SQLQueryString = { only in """
            SELECT v.target_id, v.year, v.month, v.value FROM indicator_values v JOIN \
            (SELECT v.target_id, MAX(\(order)) AS k FROM indicator_values v WHERE v.target_id IN (\(ids)\(only)) GROUP BY v.target_id) m \
            ON m.target_id = v.target_id AND \(order) IN (m.k, m.k - 16)
            """ }
        let query: SQLQueryString
        switch (f.latestOnly, f.everyValue) {
        case (true, _): query = latest("")
        case (false, nil): query = "SELECT v.target_id, v.year, v.month, v.value FROM indicator_values v WHERE v.target_id IN (\(ids))"
        case (false, let r?):
            let inside: SQLQueryString = " AND t.region_code BETWEEN \(bind: r.lowerBound) AND \(bind: r.upperBound)"
            let outside: SQLQueryString = " AND t.region_code NOT BETWEEN \(bind: r.lowerBound) AND \(bind: r.upperBound)"
            query = "SELECT v.target_id, v.year, v.month, v.value FROM indicator_values v WHERE v.target_id IN (\(ids)\(inside)) UNION ALL "
                + latest(outside)
        }
        let values = try await sql.raw(query).all(decoding: V.self)
        let decimals = Dictionary(targets.map { ($0.id, $0.decimals) }, uniquingKeysWith: { a, _ in a })
        var byTarget: [Int: [Point]] = [:]
        for v in values {
            guard let p = IndicatorPeriod(year: v.year, month: v.month), v.value.isFinite else { continue }
            // As printed (values entered through Rectify are stored so; others are read so).
            byTarget[v.target_id, default: []].append(Point(period: p, value: IndicatorNumber.rounded(v.value, decimals[v.target_id] ?? 4)))
        }
        let lines = targets.map { t in
            let spec = IndicatorSpec(code: t.code, name: t.name, unit: t.unit, direction: IndicatorDirection(rawValue: t.direction) ?? .lower,
                                     area: IndicatorArea(rawValue: t.area) ?? .other, decimals: t.decimals,
                                     range: IndicatorSpec.range(t.lower_bound, t.upper_bound))
            return Line(targetID: t.id, indicatorID: t.indicator_id, spec: spec, national: t.national, regionCode: t.region_code,
                        regionName: t.region_name ?? String(t.region_code), inspectionID: t.inspection_id,
                        // Years as validated on the way in (1990–2100), whatever the stored row says, so no arithmetic on them can overflow.
                        path: IndicatorPath(baselineYear: Self.year(t.baseline_year), baselineValue: Self.finite(t.baseline_value),
                                            targetYear: max(Self.year(t.target_year), Self.year(t.baseline_year)),
                                            targetValue: Self.finite(t.target_value), yearly: IndicatorTarget.yearly(t.path),
                                            tolerancePercent: Self.finite(t.tolerance_percent)),
                        unitID: t.unit_id, unitName: t.unit_name, taskIDs: AccountabilityCase.ids(t.task_ids), published: t.published,
                        note: t.note, version: t.version, points: (byTarget[t.id] ?? []).sorted { $0.period < $1.period })
        }
        return IndicatorBoard(lines: lines)
    }

    /// The targets an inspection's report and public page speak of: those tied to the inspection
    /// (its region and below), else its region's own; the public (`access` nil) sees the published ones.
    static func forInspection(_ i: Inspection, access: Access?, on db: any Database) async throws -> [Line] {
        let region = i.$targetRegion.id
        let lines = try await load(access, .init(region: Access.subtree(of: region), publishedOnly: access == nil), on: db).lines
        let tied = lines.filter { $0.inspectionID == i.id }
        return tied.isEmpty ? lines.filter { $0.regionCode == region } : tied
    }

    /// Regions ranked on one indicator at a period (the latest any of them reported, unless
    /// given), best first by the indicator's direction; regions that did not report it last.
    struct Rank: Content {
        let rank: Int?
        let regionCode: Int
        let regionName: String
        let period: String?
        let value: Double?
        let light: IndicatorLight?
    }

    static func ranking(_ lines: [Line], at asked: IndicatorPeriod?) -> (period: IndicatorPeriod?, ranks: [Rank]) {
        guard let spec = lines.first?.spec else { return (nil, []) }
        let period = asked ?? lines.compactMap { $0.latest?.period }.max()
        var reported: [(Line, Double)] = []
        var missing: [Line] = []
        for l in lines {
            if let period, let v = l.value(at: period) { reported.append((l, v)) } else { missing.append(l) }
        }
        reported.sort { a, b in
            a.1 == b.1 ? a.0.regionCode < b.0.regionCode : (spec.direction == .higher ? a.1 > b.1 : a.1 < b.1)
        }
        var ranks: [Rank] = []
        var previous: Double?
        var rank = 0
        for (i, (l, v)) in reported.enumerated() {
            if v != previous { rank = i + 1 }
            previous = v
            let light = period.map { IndicatorLight.of(v, year: $0.year, path: l.path, spec: spec) }
            ranks.append(Rank(rank: rank, regionCode: l.regionCode, regionName: l.regionName, period: period?.description, value: v, light: light))
        }
        for l in missing {
            ranks.append(Rank(rank: nil, regionCode: l.regionCode, regionName: l.regionName, period: nil, value: nil, light: nil))
        }
        return (period, ranks)
    }
}
