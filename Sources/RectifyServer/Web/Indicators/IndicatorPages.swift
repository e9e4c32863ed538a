import Fluent
import Foundation
import Plot
import SQLKit
import Vapor
import RectifyCore

/// 目标指标 (issue 15 §3): a region's indicators with a chart each, the regions below it
/// side by side, one indicator's values and ranking, and the office's and units' forms.
enum IndicatorPagesController {
    struct Query: Decodable {
        var region: Int?
        var indicator: Int?
        var area: IndicatorArea?
    }

    static func show(req: Request) async throws -> Response { try await page(req, state: nil) }

    static func page(_ req: Request, state: FormState?, preview: IndicatorImport.Preview? = nil, pending: String? = nil) async throws -> Response {
        let access = try await req.access()
        let q = (try? req.query.decode(Query.self)) ?? Query()
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        // The regions with targets this user may read, for the region picker (one statement).
        struct R: Decodable { let region_code: Int; let name: String? }
        let scope = IndicatorAccess(access: access).scope
        let regions = try await sql.raw("""
            SELECT DISTINCT t.region_code, r.name FROM indicator_targets t LEFT JOIN regions r ON r.code = t.region_code \
            WHERE \(scope) ORDER BY t.region_code
            """).all(decoding: R.self)
        let region = q.region.flatMap { Bounds.region.contains($0) ? $0 : nil } ?? access.regionCode
            ?? regions.first?.region_code ?? 0
        // Every value of the region's own targets (their charts); the latest of those below (the matrix and ranking).
        let board = try await IndicatorBoard.load(access, .init(region: Access.subtree(of: region), area: q.area, everyValue: region...region),
                                                  on: req.db)
        let indicators = try await Indicator.query(on: req.db).sort(\.$id).all()
        let rules = IndicatorAccess(access: access)
        let manage = rules.canManage(region: region)
        let units = manage ? try await Unit.query(on: req.db).filter(\.$region.$id >= Access.subtree(of: region).lowerBound)
            .filter(\.$region.$id <= Access.subtree(of: region).upperBound).sort(\.$name).limit(500).all() : []
        // What this user may enter values for: every target below an office it oversees, a unit's own targets.
        let reportable = board.lines.filter { l in manage || (access.roles.contains(.unit) && l.unitID != nil && l.unitID == access.unitID) }
        let view = IndicatorsView(context: PageContext(req, section: .indicators), region: region,
                                  regionName: regions.first { $0.region_code == region }?.name ?? board.lines.first { $0.regionCode == region }?.regionName
                                    ?? String(region),
                                  regions: regions.map { ($0.region_code, $0.name ?? String($0.region_code)) }, area: q.area,
                                  chosen: q.indicator, board: board, indicators: indicators, manage: manage,
                                  units: units.map { ($0.id ?? 0, $0.name) }, reportable: reportable, today: req.application.clock.today,
                                  state: state, preview: preview, pending: pending)
        return view.response()
    }

    struct ValueForm: Decodable {
        var indicatorID: Int
        var regionCode: Int
        var period: String
        var value: String
    }

    static func back(_ req: Request, region: Int?, indicator: Int?) -> String {
        SiteURL.indicators.with([("region", region.map(String.init)), ("indicator", indicator.map(String.init))])
    }

    static func record(req: Request) async throws -> Response {
        let access = try await req.access()
        let f = try? req.form(ValueForm.self)
        return try await WebForm.handle(req, form: "value", success: "监测值已保存", redirect: { back(req, region: f?.regionCode, indicator: f?.indicatorID) },
                                        action: {
            let f = try req.form(ValueForm.self)
            guard let indicator = try await Indicator.find(f.indicatorID, on: req.db) else { throw AppError.notFound }
            let value: Double
            switch IndicatorNumber.value(f.value, for: indicator.spec) {
            case .success(let v): value = v
            case .failure(let v): throw ValidationFailure([v])
            }
            _ = try await IndicatorService.recordValue(indicatorID: f.indicatorID, .init(regionCode: f.regionCode, period: f.period, value: value),
                                                       access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }

    struct TargetForm: Decodable {
        var indicatorID: Int
        var regionCode: Int
        var baselineYear: Int
        var baselineValue: Double
        var targetYear: Int
        var targetValue: Double
        var path: String?
        var tolerancePercent: Double?
        var unitID: String?
        var published: String?
        var note: String?
    }

    static func setTarget(req: Request) async throws -> Response {
        let access = try await req.access()
        let f = try? req.form(TargetForm.self)
        return try await WebForm.handle(req, form: "target", success: "指标目标已保存", redirect: { back(req, region: f?.regionCode, indicator: f?.indicatorID) },
                                        action: {
            let f = try req.form(TargetForm.self)
            var path: [String: Double] = [:]
            for pair in (f.path ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "," || $0 == ";" || $0.isWhitespace }) {
                let parts = pair.split(whereSeparator: { $0 == ":" || $0 == ":" || $0 == "=" })
                guard parts.count == 2, let v = Double(IndicatorNumber.halfWidth(String(parts[1]))) else {
                    throw ValidationFailure([.init("indicator.pathInvalid", field: "path", "年度目标应写作“2024:33, 2025:31”")])
                }
                path[String(parts[0])] = v
            }
            // What the form does not carry (the inspection, the linked tasks) stays as it was.
            let existing = try await IndicatorTarget.query(on: req.db).filter(\.$indicator.$id == f.indicatorID)
                .filter(\.$regionCode == f.regionCode).first()
            _ = try await IndicatorService.setTarget(indicatorID: f.indicatorID,
                                                     .init(regionCode: f.regionCode, inspectionID: existing?.$inspection.id, baselineYear: f.baselineYear,
                                                           baselineValue: f.baselineValue, targetYear: f.targetYear, targetValue: f.targetValue,
                                                           path: path, tolerancePercent: f.tolerancePercent,
                                                           unitID: f.unitID.flatMap { Int($0) }, taskIDs: existing?.taskIDs,
                                                           published: f.published == "on" || f.published == "true", note: f.note),
                                                     access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }

    struct CatalogueForm: Decodable {
        var name: String
        var unit: String
        var direction: IndicatorDirection
        var area: IndicatorArea
        var decimals: Int?
    }

    static func createIndicator(req: Request) async throws -> Response {
        let access = try await req.access()
        return try await WebForm.handle(req, form: "catalogue", success: "指标已加入目录", redirect: { SiteURL.indicators.path }, action: {
            let f = try req.form(CatalogueForm.self)
            _ = try await IndicatorService.createIndicator(.init(name: f.name, unit: f.unit, direction: f.direction, area: f.area, decimals: f.decimals),
                                                           access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }

    struct ImportForm: Content {
        var file: File?
        var pending: String?
        var confirm: String?
    }

    /// Upload → preview (nothing written) → confirm, as the ledger import does.
    static func importSubmit(req: Request) async throws -> Response {
        let access = try await req.access()
        let form = try? req.content.decode(ImportForm.self)
        let dir = (req.application.rectifyConfig?.dataDirectory ?? NSTemporaryDirectory()) + "/imports"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        do {
            if form?.confirm == "true", let token = form?.pending, !token.isEmpty, token.allSatisfy({ $0.isLetter || $0.isNumber }),
               req.userSession?["indicatorImport"] == token {
                let path = dir + "/" + token
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw AppError(status: .gone, code: "import.expired", message: "预览已过期,请重新上传")
                }
                let done = try await IndicatorImport.apply(data: data, access: access, clock: req.application.clock, on: req.db)
                try? FileManager.default.removeItem(atPath: path)
                req.userSession?["indicatorImport"] = nil
                req.flash("监测值已导入:新增 \(done.create) 个,更正 \(done.update) 个,无变化 \(done.same) 个")
                return req.redirect(to: SiteURL.indicators.path, redirectType: .normal)
            }
            guard let file = form?.file, file.data.readableBytes > 0 else {
                throw AppError(status: .unprocessableEntity, code: "file.empty", message: "请选择监测值文件(.xlsx 或 .csv)")
            }
            let data = Data(file.data.readableBytesView)
            let preview = try await IndicatorImport.plan(data: data, access: access, today: req.application.clock.today, on: req.db).preview
            var pending: String?
            if preview.errors == 0 && preview.create + preview.update > 0 {
                let token = UUID().uuidString.replacingOccurrences(of: "-", with: "")
                try data.write(to: URL(fileURLWithPath: dir + "/" + token))
                req.userSession?["indicatorImport"] = token
                pending = token
            }
            return try await page(req, state: nil, preview: preview, pending: pending)
        } catch let e as AppError where e.status != .notFound {
            let r = try await page(req, state: FormState(form: "import", message: e.message))
            r.status = e.status
            return r
        } catch let f as ValidationFailure {
            let e = AppError.validation(f)
            let r = try await page(req, state: FormState(form: "import", message: f.violations.map(\.message).joined(separator: ";")))
            r.status = e.status
            return r
        }
    }
}

/// One target's values against its path: the path dashed, each value a dot in its light's
/// colour, years along the bottom. Annual values sit at the end of their year; a month's
/// (the year to date) at that month.
enum IndicatorChart {
    static func svg(_ l: IndicatorBoard.Line, width: Double = 520, height: Double = 160) -> Node<HTML.BodyContext> {
        let path = l.path
        let firstYear = min(path.baselineYear, l.points.first?.period.year ?? path.baselineYear)
        let lastYear = max(path.targetYear, l.points.last?.period.year ?? path.targetYear, firstYear)
        func x(_ year: Int, _ month: Int) -> Double { Double(year - firstYear) + (month == 0 ? 1 : Double(month) / 12) }
        let span = max(Double(lastYear - firstYear + 1), 1)
        let pathYears = Array(path.baselineYear...max(path.baselineYear, path.targetYear))
        let ys = l.points.map(\.value) + pathYears.map(path.expected(in:))
        var lo = ys.min() ?? 0, hi = ys.max() ?? 1
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let pad = (hi - lo) * 0.12
        lo -= pad; hi += pad
        let left = 40.0, right = 12.0, top = 12.0, bottom = 22.0
        let w = width - left - right, h = height - top - bottom
        func px(_ v: Double) -> Double { left + w * v / span }
        func py(_ v: Double) -> Double { top + h - h * (v - lo) / (hi - lo) }
        var body = "<line x1=\"\(Charts.fmt(left))\" y1=\"\(Charts.fmt(top + h))\" x2=\"\(Charts.fmt(left + w))\" y2=\"\(Charts.fmt(top + h))\" class=\"axis\" />"
        for year in firstYear...lastYear where (year - firstYear) % max(1, Int(span) / 8) == 0 || year == lastYear {
            body += "<text x=\"\(Charts.fmt(px(x(year, 0) - 0.5)))\" y=\"\(Charts.fmt(height - 6))\" class=\"small\" text-anchor=\"middle\">\(year)</text>"
        }
        for v in [lo + pad, hi - pad] {
            body += "<text x=\"\(Charts.fmt(left - 4))\" y=\"\(Charts.fmt(py(v) + 4))\" class=\"small\" text-anchor=\"end\">\(IndicatorNumber.format(v, l.spec.decimals))</text>"
        }
        let route = pathYears.enumerated().map { i, y in "\(i == 0 ? "M" : "L")\(Charts.fmt(px(x(y, 0)))) \(Charts.fmt(py(path.expected(in: y))))" }
        body += "<path d=\"\(route.joined(separator: " "))\" class=\"target\" />"
        // Each year's months (the year to date) as a line of its own: January starts afresh.
        var months = ""
        var lineYear: Int?
        for p in l.points {
            let light = l.light(p)
            let tone = light == .green ? "s-green" : (light == .yellow ? "s-yellow" : "s-red")
            let cx = px(x(p.period.year, p.period.month)), cy = py(p.value)
            if p.period.month != 0 {
                months += (lineYear == p.period.year ? "L" : "M") + "\(Charts.fmt(cx)) \(Charts.fmt(cy)) "
                lineYear = p.period.year
            }
            body += "<circle cx=\"\(Charts.fmt(cx))\" cy=\"\(Charts.fmt(cy))\" r=\"\(p.period.month == 0 ? 4 : 2.5)\" class=\"\(tone)\">"
                + "<title>\(Charts.esc(p.period.chinese)):\(IndicatorNumber.format(p.value, l.spec.decimals))\(Charts.esc(l.spec.unit))</title></circle>"
        }
        if !months.isEmpty { body = "<path d=\"\(months)\" class=\"line thin\" />" + body }
        return Charts.svg(Int(width), Int(height), label: "\(l.regionName)\(l.spec.name):监测值与目标路径", body)
    }

    /// The numbers beneath a chart: each year's value (or the latest month of the year) against
    /// the path; with `months`, every month of the latest year as well.
    static func figures(_ l: IndicatorBoard.Line, all months: Bool = false) -> Node<HTML.BodyContext> {
        let byYear = Dictionary(grouping: l.points, by: \.period.year)
        var shown = byYear.keys.sorted().compactMap { byYear[$0]?.max { $0.period < $1.period } }
        if months, let last = byYear.keys.max() {
            shown = shown.filter { $0.period.year != last } + (byYear[last] ?? []).sorted { $0.period < $1.period }
        }
        let rows: [(String, [String])] = shown.map { p in
            (p.period.chinese, [IndicatorNumber.format(p.value, l.spec.decimals), IndicatorNumber.format(l.path.expected(in: p.period.year), l.spec.decimals),
                                l.light(p).label, l.yearOnYear(p) ?? "—"])
        }
        return .figures("\(l.spec.name)(\(l.spec.unit)),基准 \(l.path.baselineYear) 年 \(IndicatorNumber.format(l.path.baselineValue, l.spec.decimals)),"
                        + "目标 \(l.path.targetYear) 年 \(IndicatorNumber.format(l.path.targetValue, l.spec.decimals))",
                        rows, headers: ["期间", "监测值", "年度目标路径", "灯色", "同比"])
    }
}

struct IndicatorsView: PageView {
    let context: PageContext
    let region: Int
    let regionName: String
    let regions: [(Int, String)]
    let area: IndicatorArea?
    let chosen: Int?
    let board: IndicatorBoard
    let indicators: [Indicator]
    let manage: Bool
    let units: [(Int, String)]
    let reportable: [IndicatorBoard.Line]
    let today: LocalDate
    let state: FormState?
    let preview: IndicatorImport.Preview?
    let pending: String?
    var title: String { "目标指标" }

    var own: [IndicatorBoard.Line] { board.lines.filter { $0.regionCode == region && (chosen == nil || $0.indicatorID == chosen) } }
    var children: [IndicatorBoard.Line] { board.lines.filter { IndicatorAPI.isChild($0.regionCode, of: region) } }

    static func lightNode(_ light: IndicatorLight?) -> Node<HTML.BodyContext> {
        guard let light else { return .span(.class("light none"), .words("未报")) }
        return .span(.class("light \(light.rawValue)"), .words(light.label))
    }

    func summaryRow(_ l: IndicatorBoard.Line) -> Node<HTML.TableContext> {
        let latest = l.latest
        return .tr(
            .td(.a(.href(SiteURL.indicators.with([("region", String(region)), ("indicator", String(l.indicatorID))])), .words(l.spec.name))),
            .td(.words(l.spec.unit)),
            .td(.class("num"), .words("\(l.path.baselineYear)年 \(IndicatorNumber.format(l.path.baselineValue, l.spec.decimals))")),
            .td(.class("num"), .words("\(l.path.targetYear)年 \(IndicatorNumber.format(l.path.targetValue, l.spec.decimals))")),
            .td(.class("num"), .words(latest.map { "\($0.period.chinese) \(IndicatorNumber.format($0.value, l.spec.decimals))" } ?? "—")),
            .td(Self.lightNode(latest.map(l.light))),
            .td(.words(latest.flatMap(l.yearOnYear) ?? "—")),
            .td(.words(l.unitName ?? "整改办"))
        )
    }

    func chartPanel(_ l: IndicatorBoard.Line, all: Bool) -> Node<HTML.BodyContext> {
        .section(.class("panel"),
                 .h3(.words("\(l.regionName) · \(l.spec.name)"), .text(" "), Self.lightNode(l.latest.map(l.light)),
                     .if(!l.published, .span(.class("sub"), .words(" 未公开")))),
                 IndicatorChart.svg(l),
                 IndicatorChart.figures(l, all: all),
                 .if(!l.taskIDs.isEmpty, .p(.class("sub"), .words("关联任务:"),
                                            .forEach(l.taskIDs) { .a(.href(SiteURL.task($0).path), .words(" #\($0)")) })),
                 .if(!l.note.isEmpty, .p(.class("sub"), .words(l.note))))
    }

    /// Child regions × indicators: each cell the latest value in its light.
    var matrix: Node<HTML.BodyContext> {
        let kids = children
        guard !kids.isEmpty else { return .empty }
        let columns = Array(Set(kids.map(\.indicatorID))).sorted().filter { chosen == nil || $0 == chosen }
        let names = Dictionary(kids.map { ($0.indicatorID, $0.spec.name) }, uniquingKeysWith: { a, _ in a })
        let byRegion = Dictionary(grouping: kids, by: \.regionCode)
        return .section(.class("panel"),
            .h2(.words("下一级地区")),
            .div(.class("scroll"), .table(.class("ledger"),
                .thead(.tr(.th("地区"), .forEach(columns) { .th(.words(names[$0] ?? "")) })),
                .tbody(.forEach(byRegion.keys.sorted()) { code in
                    let lines = byRegion[code] ?? []
                    return .tr(.th(.words(lines.first?.regionName ?? String(code))), .forEach(columns) { id in
                        guard let l = lines.first(where: { $0.indicatorID == id }) else { return .td(.class("sub"), .words("—")) }
                        guard let p = l.latest else { return .td(Self.lightNode(nil)) }
                        return .td(.span(.class("light \(l.light(p).rawValue)"), .words(IndicatorNumber.format(p.value, l.spec.decimals))),
                                   .small(.class("sub"), .words(" " + p.period.description)))
                    })
                }))))
    }

    func ranking(_ indicatorID: Int) -> Node<HTML.BodyContext> {
        let r = IndicatorBoard.ranking(children.filter { $0.indicatorID == indicatorID }, at: nil)
        guard !r.ranks.isEmpty, let spec = children.first(where: { $0.indicatorID == indicatorID })?.spec else { return .empty }
        return .section(.class("panel"),
            .h2(.words("排名(\(r.period?.chinese ?? "尚无数据"),\(spec.direction.label))")),
            .table(.class("ledger"),
                .thead(.tr(.th("名次"), .th("地区"), .th("监测值"), .th("灯色"))),
                .tbody(.forEach(r.ranks) { k in
                    .tr(.td(.words(k.rank.map(String.init) ?? "—")), .td(.words(k.regionName)),
                        .td(.class("num"), .words(k.value.map { IndicatorNumber.format($0, spec.decimals) } ?? "未报")), .td(Self.lightNode(k.light)))
                })))
    }

    /// The latest month already over: what a unit reports now.
    var lastMonth: String {
        today.month == 1 ? "\(today.year - 1)-12" : "\(today.year)-\(today.month <= 10 ? "0" : "")\(today.month - 1)"
    }

    var valueForm: Node<HTML.BodyContext> {
        guard !reportable.isEmpty else { return .empty }
        let f = "value"
        let options = indicators.filter { i in reportable.contains { $0.indicatorID == i.id } }.map { (String($0.id ?? 0), "\($0.name)(\($0.unit))") }
        let regionOptions = Array(Set(reportable.map(\.regionCode))).sorted().map { code in
            (String(code), reportable.first { $0.regionCode == code }?.regionName ?? String(code))
        }
        return .section(.class("panel"), .h2("填报监测值"),
            .form(.class("action wide"), .method(.post), .action(SiteURL.indicatorValues.path),
                  Forms.csrf(context), Forms.message(state, f),
                  Forms.select("指标", "indicatorID", options: options, selected: state?.value("indicatorID") ?? chosen.map(String.init), form: f),
                  Forms.select("地区", "regionCode", options: regionOptions, selected: state?.value("regionCode") ?? String(region), form: f),
                  Forms.field("期间", "period", value: state?.value("period") ?? lastMonth,
                              required: true, hint: "2025 为全年;2025-03 为 1—3 月累计", error: state?.isFor(f) == true ? state?.error("period") : nil, form: f),
                  Forms.field("数值", "value", value: state?.value("value") ?? "", required: true, hint: "按指标的单位填写",
                              error: state?.isFor(f) == true ? (state?.error("value") ?? state?.error("unit")) : nil, form: f),
                  Forms.submit("保存")))
    }

    var targetForm: Node<HTML.BodyContext> {
        guard manage else { return .empty }
        let f = "target"
        let err = { (name: String) in state?.isFor(f) == true ? state?.error(name) : nil }
        // One indicator chosen and set for this region: the form starts from its target, so saving changes only what is changed.
        let current = chosen.flatMap { id in board.lines.first { $0.indicatorID == id && $0.regionCode == region } }
        func number(_ v: Double?, _ d: Int) -> String { v.map { IndicatorNumber.format($0, d) } ?? "" }
        let d = current?.spec.decimals ?? 2
        let pathText = current.map { l in l.path.yearly.sorted { $0.key < $1.key }.map { "\($0.key):\(IndicatorNumber.format($0.value, d))" }
            .joined(separator: ", ") } ?? ""
        return .section(.class("panel"), .h2("设置指标的基准和目标"),
            .form(.class("action wide"), .method(.post), .action(SiteURL.indicatorTargets.path),
                  Forms.csrf(context), Forms.message(state, f),
                  Forms.select("指标", "indicatorID", options: indicators.map { (String($0.id ?? 0), "\($0.name)(\($0.unit))") },
                               selected: state?.value("indicatorID") ?? chosen.map(String.init), form: f),
                  Forms.select("地区", "regionCode", options: regions.filter { Access.subtree(of: region).contains($0.0) }.map { (String($0.0), $0.1) }
                               + (regions.contains { $0.0 == region } ? [] : [(String(region), regionName)]),
                               selected: state?.value("regionCode") ?? String(region), form: f),
                  Forms.field("基准年份", "baselineYear", type: .number, value: state?.value("baselineYear") ?? current.map { String($0.path.baselineYear) } ?? "", required: true, error: err("baselineYear"), form: f),
                  Forms.field("基准值", "baselineValue", value: state?.value("baselineValue") ?? number(current?.path.baselineValue, d), required: true, error: err("baselineValue"), form: f),
                  Forms.field("目标年份", "targetYear", type: .number, value: state?.value("targetYear") ?? current.map { String($0.path.targetYear) } ?? "", required: true, error: err("targetYear"), form: f),
                  Forms.field("目标值", "targetValue", value: state?.value("targetValue") ?? number(current?.path.targetValue, d), required: true, error: err("targetValue"), form: f),
                  Forms.field("年度目标(可选)", "path", value: state?.value("path") ?? pathText, hint: "如 2024:33, 2025:31;未写的年份按基准到目标的直线", error: err("path"), form: f),
                  Forms.field("容差(%)", "tolerancePercent", value: state?.value("tolerancePercent") ?? number(current?.path.tolerancePercent ?? 5, 1), error: err("tolerancePercent"), form: f),
                  Forms.select("填报单位", "unitID", options: units.map { (String($0.0), $0.1) }, selected: state?.value("unitID") ?? current?.unitID.map(String.init), form: f, blank: "整改办"),
                  .div(.class("field"), .label(.input(.type(.checkbox), .name("published"), .value("on"),
                                                     .checked((state.map { $0.value("published") == "on" }) ?? current?.published ?? false)),
                                              .text(" 在信息公开页公开"))),
                  Forms.area("说明", "note", value: state?.value("note") ?? current?.note ?? "", rows: 2, error: err("note"), form: f),
                  Forms.submit("保存目标", style: "secondary")))
    }

    var importForm: Node<HTML.BodyContext> {
        guard !reportable.isEmpty || manage else { return .empty }
        return .section(.class("panel"), .h2("导入监测值(Excel / CSV)"),
            .p(.class("sub"), .words("表头:指标、地区、期间(或年份、月份)、数值、单位(可选)。先预览,每行都对才能导入;同一地区同一期间的已有值会被更正。")),
            .form(.class("action wide"), .method(.post), .action(SiteURL.indicatorImport.path), .enctype(.multipartData),
                  Forms.csrf(context), Forms.message(state, "import"),
                  .div(.class("field"), .label(.for("import-file"), .words("文件")),
                       .input(.id("import-file"), .type(.file), .name("file"), .attribute(named: "accept", value: ".xlsx,.csv"))),
                  Forms.submit("预览", style: "secondary")),
            .unwrap(preview) { p in
                .div(.p(.strong(.words("预览:新增 \(p.create) 个,更正 \(p.update) 个,无变化 \(p.same) 个,有误 \(p.errors) 行"))),
                     .table(.class("ledger"),
                            .thead(.tr(.th("行"), .th("指标"), .th("地区"), .th("期间"), .th("数值"), .th("处理"), .th("问题"))),
                            .tbody(.forEach(p.rows) { r in
                                .tr(.class(r.action == "error" ? "row-error" : ""), .td(.words(String(r.line))), .td(.words(r.indicator)), .td(.words(r.region)),
                                    .td(.words(r.period)), .td(.class("num"), .words(r.value.map { String($0) } ?? "")),
                                    .td(.words(["create": "新增", "update": "更正(原 \(r.before.map { String($0) } ?? ""))", "same": "无变化"][r.action] ?? "有误")),
                                    .td(.words(r.problems.joined(separator: ";"))))
                            })),
                     .unwrap(pending) { token in
                         .form(.class("inline"), .method(.post), .action(SiteURL.indicatorImport.path), .enctype(.multipartData),
                               Forms.csrf(context), .input(.type(.hidden), .name("pending"), .value(HTMLText.escape(token))),
                               .input(.type(.hidden), .name("confirm"), .value("true")), Forms.submit("确认导入"))
                     })
            })
    }

    /// The office adds an indicator the national catalogue lacks (a local target of its plan).
    var catalogueForm: Node<HTML.BodyContext> {
        guard manage else { return .empty }
        let f = "catalogue"
        let err = { (name: String) in state?.isFor(f) == true ? state?.error(name) : nil }
        return .section(.class("panel"), .h2("在目录中新增指标"),
            .form(.class("action wide"), .method(.post), .action(SiteURL.indicatorCatalogue.path),
                  Forms.csrf(context), Forms.message(state, f),
                  Forms.field("指标名称", "name", value: state?.isFor(f) == true ? state?.value("name") ?? "" : "", required: true,
                              error: err("name"), form: f),
                  Forms.field("计量单位", "unit", value: state?.isFor(f) == true ? state?.value("unit") ?? "" : "", required: true,
                              hint: "如 %、微克/立方米、万吨", error: err("unit"), form: f),
                  Forms.select("方向", "direction", options: IndicatorDirection.allCases.map { ($0.rawValue, $0.label) },
                               selected: state?.value("direction"), form: f),
                  Forms.select("领域", "area", options: IndicatorArea.allCases.map { ($0.rawValue, $0.label) }, selected: state?.value("area"), form: f),
                  Forms.field("小数位", "decimals", type: .number, value: state?.isFor(f) == true ? state?.value("decimals") ?? "1" : "1",
                              error: err("decimals"), form: f),
                  Forms.submit("加入目录", style: "secondary")))
    }

    var content: Node<HTML.BodyContext> {
        let mine = own
        return .div(
            .h1(.words("目标指标 · \(regionName)")),
            .form(.class("filters"), .method(.get), .action(SiteURL.indicators.path),
                  Forms.select("地区", "region", options: regions.map { (String($0.0), $0.1) }, selected: String(region)),
                  Forms.select("领域", "area", options: IndicatorArea.allCases.map { ($0.rawValue, $0.label) }, selected: area?.rawValue, blank: "全部"),
                  Forms.submit("查看", style: "secondary")),
            .details(.summary("灯色规则"),
                     .p(.class("sub"), .words("每个值与其所在年份的目标路径值比较:年度目标有明确值的用明确值,其余年份取基准到目标的直线。"
                                              + "达到或优于路径值为绿灯;差距不超过容差(默认为路径值的 5%)为黄灯;差距更大为红灯。"
                                              + "月度值为当年 1 月至该月的累计值,与当年的路径值比较;同比为与上年同期相比。"))),
            .if(mine.isEmpty && children.isEmpty, .p(.class("empty"), .words("这个地区还没有设置目标指标。"))),
            .if(!mine.isEmpty && chosen == nil, .section(.class("panel"),
                .h2(.words("\(regionName)的目标指标")),
                .div(.class("scroll"), .table(.class("ledger"),
                    .thead(.tr(.th("指标"), .th("单位"), .th("基准"), .th("目标"), .th("最新值"), .th("灯色"), .th("同比"), .th("填报单位"))),
                    .tbody(.forEach(mine) { summaryRow($0) }))))),
            .div(.class("grid two"), .forEach(mine) { chartPanel($0, all: chosen != nil) }),
            .unwrap(chosen) { ranking($0) },
            matrix,
            valueForm,
            importForm,
            targetForm,
            catalogueForm
        )
    }
}
