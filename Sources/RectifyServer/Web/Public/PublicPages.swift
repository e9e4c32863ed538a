import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// 信息公开 (issue 4 §2), no login: inspections; for each, its tasks with their public
/// status words and latest accepted progress; notices now running and how to object;
/// closed tasks. Only what an office publishes: no internal fields (states, lights,
/// versions, remarks, review notes), no people's names, no evidence unless published.
struct PublicInspection {
    struct Task { let id: Int; let number: Int; let title: String; let units: String; let deadline: String; let status: String
        let progress: String?; let evidence: [(Int, String)] }
    struct Notice { let id: Int; let taskNumber: Int; let taskTitle: String; let from: String; let until: String; let text: String
        /// Objections answered so far: when received, the answer. Never who made them.
        let answers: [(received: String, answer: String)] }
    let id: Int
    let title: String
    let team: String
    let region: String
    let feedback: String?
    let sentence: String
    let tasks: [Task]
    let notices: [Notice]
    /// Which list is shown: open tasks, or closed ones; a page of them.
    let closedView: Bool
    let page: Int
    let pages: Int
    let openCount: Int
    let closedCount: Int
}

enum PublicPagesController {
    static func home(req: Request) async throws -> Response {
        let db = req.db
        // The same for every visitor: computed once per change of the data.
        let today = req.application.clock.today.iso
        let rows = try await req.cachedAggregate("public|\(today)") { try await homeRows(on: db) }
        let context = PageContext(req, section: .portal)
        guard !context.signedIn else { return PublicHomeView(context: context, rows: rows).response() }
        // What an anonymous visitor is shown is the same for all of them: rendered once per change of the data.
        let html = try await req.cachedAggregate("public.page|\(today)") { PublicHomeView(context: context, rows: rows).render() }
        return PublicHomeView.response(html)
    }

    static func homeRows(on db: any Database) async throws -> [(Int, String, String, String, String?)] {
        let inspections = try await Inspection.query(on: db).join(Region.self, on: \Inspection.$targetRegion.$id == \Region.$id)
            .sort(\.$feedbackDate, .descending).sort(\.$id).all()
        let counts = try await InspectionQueries.taskCounts(inspectionIDs: inspections.compactMap(\.id), on: db)
        let petitions = try await PetitionService.figures(inspectionIDs: inspections.compactMap(\.id), on: db)
        // An inspection appears once the office has assigned one of its tasks: a new one
        // being typed in, all drafts, is not published.
        return try inspections.filter { counts[$0.id ?? 0]?.isEmpty == false }.map { i -> (Int, String, String, String, String?) in
            let id = i.id ?? 0
            return (id, i.title, try i.joined(Region.self).name, sentence(counts[id] ?? [:]), petitions[id]?.sentence)
        }
    }

    /// The count sentence of an inspection's task counts (unassessed tasks count in the total).
    static func sentence(_ counts: [PublicStatus?: Int]) -> String {
        var byStatus: [PublicStatus: Int] = [:]
        for case let (status?, n) in counts { byStatus[status, default: 0] += n }
        return OfficialReport.countSentence(total: counts.values.reduce(0, +), counts: byStatus)
    }

    static func inspection(req: Request) async throws -> Response {
        guard let i = try await Inspection.query(on: req.db).filter(\.$id == (try req.intParameter("id")))
            .join(Region.self, on: \Inspection.$targetRegion.$id == \Region.$id).first() else {
            throw AppError.notFound
        }
        i.$targetRegion.value = try i.joined(Region.self)
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let id = try i.requireID()
        struct T: Decodable { let id: Int; let number: Int; let title: String; let deadline: String?; let kind: String
            let state: String; let progress_status: String?; let basically_completed: Bool }
        let closedView = (try? req.query.get(String.self, at: "show")) == "closed"
        let page = try req.queryInt("page", in: Bounds.page) ?? 1
        let per = 100
        // The count sentence and the open/closed split from one pass over the same rows
        // InspectionQueries.taskCounts counts (top-level tasks past their draft).
        struct Count: Decodable { let closed: Int; let status: String?; let n: Int }
        let split = try await sql.raw("""
            SELECT CASE WHEN state = 'closed' THEN 1 ELSE 0 END AS closed, progress_status AS status, COUNT(*) AS n FROM tasks \
            WHERE inspection_id = \(bind: id) AND state <> 'draft' AND parent_task_id IS NULL \
            GROUP BY CASE WHEN state = 'closed' THEN 1 ELSE 0 END, progress_status
            """).all(decoding: Count.self)
        let closedCount = split.filter { $0.closed == 1 }.map(\.n).reduce(0, +)
        let openCount = split.filter { $0.closed == 0 }.map(\.n).reduce(0, +)
        var counts: [PublicStatus?: Int] = [:]
        for row in split { counts[row.status.flatMap(PublicStatus.init(rawValue:)), default: 0] += row.n }
        let tasks = try await sql.raw("""
            SELECT id, number, title, deadline, kind, state, progress_status, basically_completed FROM tasks \
            WHERE inspection_id = \(bind: id) AND parent_task_id IS NULL AND state \(unsafeRaw: closedView ? "=" : "<>") 'closed' \
            AND state <> 'draft' ORDER BY number LIMIT \(literal: per) OFFSET \(literal: (page - 1) * per)
            """).all(decoding: T.self)
        let ids = tasks.map(\.id)
        struct U: Decodable { let task_id: Int; let name: String }
        let units = ids.isEmpty ? [] : try await sql.raw("""
            SELECT tu.task_id, u.name FROM task_units tu JOIN units u ON u.id = tu.unit_id \
            WHERE tu.task_id IN (\(binds: ids)) AND tu.role = 'responsible' ORDER BY tu.id
            """).all(decoding: U.self)
        struct N: Decodable { let task_id: Int; let narrative: String }
        let narratives = ids.isEmpty ? [] : try await sql.raw("""
            SELECT r.task_id, r.narrative FROM progress_reports r WHERE r.task_id IN (\(binds: ids)) \
            AND r.status = 'accepted' ORDER BY r.task_id, r.submitted_at DESC, r.id DESC
            """).all(decoding: N.self)
        var latest: [Int: String] = [:]
        for n in narratives where latest[n.task_id] == nil { latest[n.task_id] = n.narrative }
        struct E: Decodable { let id: Int; let task_id: Int; let original_name: String }
        let evidence = ids.isEmpty ? [] : try await sql.raw("""
            SELECT l.id, l.task_id, l.original_name FROM evidence_links l WHERE l.task_id IN (\(binds: ids)) \
            AND l.public = \(bind: true) ORDER BY l.id
            """).all(decoding: E.self)
        let unitsByTask = Dictionary(grouping: units, by: \.task_id)
        let evidenceByTask = Dictionary(grouping: evidence, by: \.task_id)
        let today = req.application.clock.today
        func row(_ t: T) -> PublicInspection.Task {
            let words = t.progress_status.flatMap(PublicStatus.init(rawValue:)).map { status in
                OfficialReport.statusWords(of: [status], longTerm: t.kind == TaskKind.longTerm.rawValue)
            } ?? "正在推进整改"
            return .init(id: t.id, number: t.number, title: t.title, units: (unitsByTask[t.id] ?? []).map(\.name).joined(separator: "、"),
                         deadline: Fmt.deadline(t.deadline, kind: t.kind), status: words, progress: latest[t.id],
                         evidence: (evidenceByTask[t.id] ?? []).map { ($0.id, $0.original_name) })
        }
        struct NoticeRow: Decodable { let id: Int; let task_id: Int; let number: Int; let title: String; let on_date: String?
            let until_date: String?; let text: String }
        let notices = try await sql.raw("""
            SELECT e.id, e.task_id, t.number, t.title, e.on_date, e.until_date, e.text FROM task_entries e JOIN tasks t ON t.id = e.task_id \
            WHERE t.inspection_id = \(bind: id) AND e.kind = 'notice' AND t.state = 'publicNotice' \
            AND e.on_date <= \(bind: today.iso) AND e.until_date >= \(bind: today.iso) ORDER BY e.until_date
            """).all(decoding: NoticeRow.self)
        struct AnswerRow: Decodable { let parent_id: Int; let on_date: String?; let answer: String }
        let answers = notices.isEmpty ? [] : try await sql.raw("""
            SELECT parent_id, on_date, answer FROM task_entries WHERE kind = 'objection' \
            AND parent_id IN (\(binds: notices.map(\.id))) AND answer IS NOT NULL ORDER BY id
            """).all(decoding: AnswerRow.self)
        let answersByNotice = Dictionary(grouping: answers, by: \.parent_id)
        // Not published until one of its tasks is assigned (as on the portal's home).
        guard !counts.isEmpty else { throw AppError.notFound }
        let model = PublicInspection(
            id: id, title: i.title, team: i.team, region: i.targetRegion.name, feedback: i.feedbackDate,
            sentence: sentence(counts),
            tasks: tasks.map(row),
            notices: notices.map { n in
                .init(id: n.id, taskNumber: n.number, taskTitle: n.title, from: Fmt.date(n.on_date), until: Fmt.date(n.until_date),
                      text: n.text, answers: (answersByNotice[n.id] ?? []).map { (Fmt.date($0.on_date), $0.answer) })
            },
            closedView: closedView, page: page, pages: max(1, ((closedView ? closedCount : openCount) + per - 1) / per),
            openCount: openCount, closedCount: closedCount)
        return PublicInspectionView(context: PageContext(req, section: .portal), model: model).response()
    }
}

struct PublicHomeView: PageView {
    let context: PageContext
    let rows: [(Int, String, String, String, String?)]
    var title: String { "信息公开" }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("督察整改信息公开"),
            .p(.class("sub"), .words("各次督察反馈问题的整改任务、整改进展、正在公示的任务和已销号的任务。")),
            .if(rows.isEmpty, .p(.class("empty"), .words("暂无公开信息。"))),
            .ul(.class("cards-list"), .forEach(rows) { id, title, region, sentence, petitions in
                .li(.a(.href(SiteURL.publicInspection(id).path), .strong(.words(title))), .span(.class("sub"), .words(" \(region)")),
                    .p(.words(sentence + "。")),
                    .unwrap(petitions) { p in .p(.a(.href(SiteURL.publicPetitions(id).path), .words(p))) })
            })
        )
    }
}

struct PublicInspectionView: PageView {
    let context: PageContext
    let model: PublicInspection
    var title: String { model.title }

    func link(_ page: Int) -> String {
        SiteURL.publicInspection(model.id).with([("show", model.closedView ? "closed" : nil), ("page", String(page))])
    }

    func table(_ tasks: [PublicInspection.Task]) -> Node<HTML.BodyContext> {
        .div(.class("scroll"), .table(.class("ledger"),
            .thead(.tr(.th(.class("num"), .words("序号")), .th("整改任务"), .th("责任单位"), .th("整改时限"), .th("整改进展情况"), .th("最新进展"))),
            .tbody(.forEach(tasks) { t in
                .tr(.td(.class("num"), .words(String(t.number))), .td(.words(t.title)), .td(.words(t.units)), .td(.words(t.deadline)),
                    .td(.words(t.status)),
                    .td(.unwrap(t.progress) { .p(.class("pre"), .words($0)) },
                        .forEach(t.evidence) { e in .a(.class("file"), .href(SiteURL.publicEvidence(e.0).path), .words(e.1)) }))
            })))
    }

    var content: Node<HTML.BodyContext> {
        .div(
            .p(.class("crumbs"), .a(.href(SiteURL.publicHome.path), .words("信息公开"))),
            .h1(.words(model.title)),
            .p(.words("\(model.team)对\(model.region)开展督察" + (model.feedback.map { ",\(Fmt.date($0))反馈督察意见" } ?? "") + "。")),
            .p(.class("lead"), .words(model.sentence + "。")),
            .p(.a(.href(SiteURL.publicPetitions(model.id).path), .words("群众信访举报件办理情况和责任追究")), .text(" · "),
               .a(.href(SiteURL.publicIndicators(model.id).path), .words("目标指标完成情况"))),
            .section(.class("panel"),
                     .h2("正在公示"),
                     .if(model.notices.isEmpty, .p(.class("empty"), .words("目前没有正在公示的任务。"))),
                     .forEach(model.notices) { n in
                         .article(.class("notice"),
                                  .h3(.words("\(n.taskNumber). \(n.taskTitle)")),
                                  .p(.words("公示期:\(n.from)至\(n.until)")),
                                  .p(.class("pre"), .words(n.text)),
                                  .forEach(n.answers) { a in
                                      .div(.class("objection"), .p(.strong("异议答复"), .words(" (\(a.received)收到)\(a.answer)")))
                                  },
                                  PublicObjectionView.form(noticeID: n.id, taskNumber: n.taskNumber, state: nil))
                     }),
            .nav(.class("tabs"),
                 .a(.href(SiteURL.publicInspection(model.id).path), .class(model.closedView ? "" : "on"), .words("整改任务(\(model.openCount))")),
                 .a(.href(HTMLText.escape(SiteURL.publicInspection(model.id).with([("show", "closed")]))), .class(model.closedView ? "on" : ""),
                    .words("已销号(\(model.closedCount))"))),
            .section(.class("panel"),
                     .h2(.words(model.closedView ? "已销号的任务" : "整改任务")),
                     .if(model.tasks.isEmpty, .p(.class("empty"), .words(model.closedView ? "还没有销号的任务。" : "没有在办的任务。"))),
                     .if(!model.tasks.isEmpty, table(model.tasks)),
                     .nav(.class("pager"),
                          .if(model.page > 1, .a(.href(HTMLText.escape(link(model.page - 1))), .words("上一页"))),
                          .span(.words("第 \(model.page) / \(model.pages) 页")),
                          .if(model.page < model.pages, .a(.href(HTMLText.escape(link(model.page + 1))), .words("下一页")))))
        )
    }
}
