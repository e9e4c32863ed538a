import Fluent
import Foundation
import Vapor
import RectifyCore

/// /api/v1/indicators (issue 15 §2, §4): the catalogue with each region's targets and
/// latest values, a target's values, the ranking of regions, and entering values.
enum IndicatorAPI {
    struct ValueOut: Content {
        let targetID: Int
        let regionCode: Int
        let regionName: String
        /// 2025 or 2025-03 (January to March).
        let period: String
        let value: Double
        /// The target path's value for the period's year.
        let expected: Double
        let light: IndicatorLight
        let yearOnYear: String?
    }

    struct TargetOut: Content {
        let id: Int
        let regionCode: Int
        let regionName: String
        let inspectionID: Int?
        let baselineYear: Int
        let baselineValue: Double
        let targetYear: Int
        let targetValue: Double
        let path: [String: Double]
        let tolerancePercent: Double
        let unitID: Int?
        let unitName: String?
        let taskIDs: [Int]
        let published: Bool
        let note: String
        let version: Int
        let latest: ValueOut?
    }

    struct IndicatorOut: Content {
        let id: Int
        let code: String
        let name: String
        let unit: String
        let direction: IndicatorDirection
        let area: IndicatorArea
        let decimals: Int
        let lowerBound: Double
        let upperBound: Double
        let national: Bool
        let targets: [TargetOut]
    }

    static func value(_ l: IndicatorBoard.Line, _ p: IndicatorBoard.Point) -> ValueOut {
        ValueOut(targetID: l.targetID, regionCode: l.regionCode, regionName: l.regionName, period: p.period.description, value: p.value,
                 expected: l.path.expected(in: p.period.year), light: l.light(p), yearOnYear: l.yearOnYear(p))
    }

    static func target(_ l: IndicatorBoard.Line) -> TargetOut {
        TargetOut(id: l.targetID, regionCode: l.regionCode, regionName: l.regionName, inspectionID: l.inspectionID,
                  baselineYear: l.path.baselineYear, baselineValue: l.path.baselineValue, targetYear: l.path.targetYear,
                  targetValue: l.path.targetValue, path: Dictionary(uniqueKeysWithValues: l.path.yearly.map { (String($0.key), $0.value) }),
                  tolerancePercent: l.path.tolerancePercent, unitID: l.unitID, unitName: l.unitName, taskIDs: l.taskIDs,
                  published: l.published, note: l.note, version: l.version, latest: l.latest.map { value(l, $0) })
    }

    struct Filter: Content {
        var region: Int?
        var area: IndicatorArea?
        var inspection: Int?
    }

    static func filter(_ req: Request) throws -> IndicatorBoard.Filter {
        let f: Filter
        do { f = try req.query.decode(Filter.self) } catch {
            throw AppError(status: .badRequest, code: "badFilter", message: "筛选条件无法识别:\(Request.describe(error))")
        }
        if let r = f.region, !Bounds.region.contains(r) { throw AppError.badQuery("region", Bounds.region) }
        if let i = f.inspection, !Bounds.id.contains(i) { throw AppError.badQuery("inspection", Bounds.id) }
        return IndicatorBoard.Filter(region: f.region.map(Access.subtree(of:)), area: f.area, inspectionID: f.inspection)
    }

    /// GET /api/v1/indicators: the catalogue, each indicator with the targets this user may read.
    static func list(req: Request) async throws -> Paged<IndicatorOut> {
        let access = try await req.access()
        let f = try filter(req)
        let p = try PageRequest(req)
        var q = Indicator.query(on: req.db).sort(\.$id)
        if let a = f.area { q = q.filter(\.$area == a) }
        let total = try await q.copy().count()
        let indicators = try await q.offset(p.offset).limit(p.per).all()
        var latest = f
        latest.latestOnly = true
        let board = try await IndicatorBoard.load(access, latest, on: req.db)
        let byIndicator = Dictionary(grouping: board.lines, by: \.indicatorID)
        return Paged(items: indicators.map { i in
            IndicatorOut(id: i.id ?? 0, code: i.code, name: i.name, unit: i.unit, direction: i.direction, area: i.area, decimals: i.decimals,
                         lowerBound: i.lowerBound, upperBound: i.upperBound, national: i.national,
                         targets: (byIndicator[i.id ?? 0] ?? []).map(target))
        }, page: p.page, per: p.per, total: total)
    }

    static func indicator(_ req: Request) async throws -> Indicator {
        guard let i = try await Indicator.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        return i
    }

    /// GET /api/v1/indicators/{id}/values?region=: every value of the targets this user may read, oldest first.
    static func values(req: Request) async throws -> Paged<ValueOut> {
        let access = try await req.access()
        let i = try await indicator(req)
        var f = try filter(req)
        f.indicatorID = i.id
        let p = try PageRequest(req)
        let all = try await IndicatorBoard.load(access, f, on: req.db).lines.flatMap { l in l.points.map { value(l, $0) } }
        return Paged(items: Array(all.dropFirst(min(p.offset, all.count)).prefix(p.per)), page: p.page, per: p.per, total: all.count)
    }

    static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(IndicatorService.NewIndicator.self)
        let row = try await IndicatorService.createIndicator(body, access: try await req.access(), clock: req.application.clock, on: req.db)
        return try await IndicatorOut(id: row.id ?? 0, code: row.code, name: row.name, unit: row.unit, direction: row.direction, area: row.area,
                                      decimals: row.decimals, lowerBound: row.lowerBound, upperBound: row.upperBound, national: row.national,
                                      targets: []).encodeResponse(status: .created, for: req)
    }

    static func setTarget(req: Request) async throws -> TargetOut {
        let body = try req.decodeBody(IndicatorService.TargetIn.self)
        let access = try await req.access()
        let i = try await indicator(req)
        let t = try await IndicatorService.setTarget(indicatorID: try i.requireID(), body, access: access, clock: req.application.clock, on: req.db)
        return try await line(targetID: try t.requireID(), indicatorID: try i.requireID(), region: t.regionCode, access: access, on: req.db)
    }

    static func line(targetID: Int, indicatorID: Int, region: Int, access: Access, on db: any Database) async throws -> TargetOut {
        let board = try await IndicatorBoard.load(access, .init(indicatorID: indicatorID, region: region...region), on: db)
        guard let l = board.lines.first(where: { $0.targetID == targetID }) else { throw AppError.notFound }
        return target(l)
    }

    static func record(req: Request) async throws -> Response {
        let body = try req.decodeBody(IndicatorService.ValueIn.self)
        let access = try await req.access()
        let i = try await indicator(req)
        let v = try await IndicatorService.recordValue(indicatorID: try i.requireID(), body, access: access, clock: req.application.clock, on: req.db)
        let board = try await IndicatorBoard.load(access, .init(indicatorID: i.id, region: body.regionCode...body.regionCode), on: req.db)
        guard let l = board.lines.first, let p = l.points.first(where: { $0.period.year == v.year && $0.period.month == v.month }) else {
            throw AppError.notFound
        }
        return try await value(l, p).encodeResponse(status: .created, for: req)
    }

    struct Ranking: Content {
        let indicatorID: Int
        let period: String?
        let ranks: [IndicatorBoard.Rank]
    }

    /// GET /api/v1/indicators/{id}/ranking?region=&period=: the regions one level below
    /// `region` (the user's region by default), best first.
    static func ranking(req: Request) async throws -> Ranking {
        let access = try await req.access()
        let i = try await indicator(req)
        let region = try req.queryInt("region", in: Bounds.region) ?? access.regionCode ?? 0
        var asked: IndicatorPeriod?
        if let text = try? req.query.get(String.self, at: "period"), !text.isEmpty {
            guard let p = IndicatorPeriod.parse(text) else {
                throw AppError(status: .badRequest, code: "indicator.periodInvalid", message: "期间“\(text.prefix(20))”应写作 2025 或 2025-03")
            }
            asked = p
        }
        // Without a region of one's own (an administrator): the provinces.
        let lines = try await IndicatorBoard.load(access, .init(indicatorID: i.id, region: region == 0 ? Bounds.region : Access.subtree(of: region)),
                                                  on: req.db).lines
        let r = IndicatorBoard.ranking(lines.filter { Self.isChild($0.regionCode, of: region) }, at: asked)
        return Ranking(indicatorID: i.id ?? 0, period: r.period?.description, ranks: r.ranks)
    }

    /// A region one level below: a province's cities, a city's counties (the whole country's provinces for 0).
    static func isChild(_ code: Int, of region: Int) -> Bool {
        guard code != region else { return false }
        if region == 0 { return code % 10_000 == 0 }
        guard Access.subtree(of: region).contains(code) else { return false }
        return region % 10_000 == 0 ? code % 100 == 0 : true
    }
}
