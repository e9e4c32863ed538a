import Fluent
import Foundation
import Plot
import SQLKit
import RectifyCore
import RectifyOffice
import Vapor

/// Builds the official progress report (issue 5 §1) of one inspection from the
/// ledger as it stands, or from a closed dispatch round's frozen figures.
enum OfficialReportBuilder {
    /// `date`: the ledger as it stood at the end of that day (China time), rebuilt from
    /// the audit trail; `roundID`: a closed round's frozen figures. At most one of them.
    /// `problems`: only these problems (offset, count in number order) for a page of a
    /// very large report; the counts are always the whole inspection's.
    static func build(inspectionID: Int, roundID: Int?, date: LocalDate? = nil, access: Access, today: LocalDate,
                      problems slice: (offset: Int, count: Int)? = nil, on db: any Database) async throws -> OfficialReport {
        guard let inspection = try await Inspection.query(on: db).filter(\.$id == inspectionID).with(\.$targetRegion).first() else {
            throw AppError.notFound
        }
        let region = [inspection.$targetRegion.id]
        guard access.oversees(region, as: .office) || access.oversees(region, as: .leader) else { throw AppError.notFound }

        var counts: [PublicStatus: Int] = [:]
        var total = 0
        var asOf = today.chinese
        var cutoff: Date?
        var past: [Int: String?]?
        var petitions: PetitionFigures?
        if let roundID {
            guard let round = try await DispatchRound.find(roundID, on: db) else { throw AppError.notFound }
            try RoundService.authorize(round, access, write: false)
            guard let closedAt = round.closedAt, let figures = try? await RoundService.figures(round, on: db) else {
                throw AppError(status: .conflict, code: "report.roundOpen", message: "调度“\(round.name)”尚未结束,其数字还未冻结")
            }
            let frozen = figures.statusCounts?[String(inspectionID)] ?? [:]
            for (status, n) in frozen {
                total += n
                if let s = PublicStatus(rawValue: status) { counts[s, default: 0] += n }
            }
            asOf = "\(round.name)(\(LocalDate.today(now: closedAt).chinese))"
            cutoff = closedAt
            // Frozen at close; a round closed before cases were counted is rebuilt for its moment.
            if let frozen = figures.petitions { petitions = frozen[String(inspectionID)] } else {
                petitions = try await PetitionService.figures(inspectionID: inspectionID, at: closedAt,
                                                               in: Access.subtree(of: round.$region.id), on: db)
            }
        } else if let date {
            guard date <= today else {
                throw AppError(status: .unprocessableEntity, code: "report.dateInFuture", message: "报告日期(\(date.chinese))不能晚于今天")
            }
            let end = endOfDay(date)
            cutoff = end
            asOf = date.chinese
            past = try await statuses(inspectionID: inspectionID, at: end, on: db)
            petitions = try await PetitionService.figures(inspectionID: inspectionID, at: end, on: db)
            for status in past!.values {
                total += 1
                if let s = status.flatMap(PublicStatus.init(rawValue:)) { counts[s, default: 0] += 1 }
            }
        } else {
            let live = try await InspectionQueries.taskCounts(inspectionIDs: [inspectionID], on: db)[inspectionID] ?? [:]
            petitions = try await PetitionService.figures(inspectionID: inspectionID, on: db)
            for (status, n) in live {
                total += n
                if let s = status { counts[s, default: 0] += n }
            }
        }
        // A report as of a moment words each problem as its tasks stood then.
        if past == nil, let cutoff { past = try await statuses(inspectionID: inspectionID, at: cutoff, on: db) }

        // Three queries for the whole inspection, however many problems and tasks it has.
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct Link: Decodable { let problem_id: Int; let task_id: Int; let number: Int; let kind: String; let progress_status: String? }
        struct Narrative: Decodable { let task_id: Int; let narrative: String }
        var problemQuery = Problem.query(on: db).filter(\.$inspection.$id == inspectionID).sort(\.$number)
        if let slice { problemQuery = problemQuery.range(slice.offset..<(slice.offset + slice.count)) }
        let problems = try await problemQuery.all()
        let only: SQLQueryString = slice == nil ? "" : " AND tp.problem_id IN (\(binds: problems.compactMap(\.id) + [0]))"
        let links = try await sql.raw("""
            SELECT tp.problem_id, t.id AS task_id, t.number, t.kind, t.progress_status FROM task_problems tp \
            JOIN tasks t ON t.id = tp.task_id WHERE t.inspection_id = \(bind: inspectionID) AND t.parent_task_id IS NULL\(only) \
            ORDER BY t.number
            """).all(decoding: Link.self)
        var narrativeSQL: SQLQueryString = """
            SELECT pr.task_id, pr.narrative FROM progress_reports pr JOIN tasks t ON t.id = pr.task_id \
            WHERE t.inspection_id = \(bind: inspectionID) AND pr.status = \(bind: ReportStatus.accepted.rawValue)
            """
        if slice != nil { narrativeSQL = narrativeSQL + " AND pr.task_id IN (\(binds: links.map(\.task_id) + [0]))" }
        if let cutoff { narrativeSQL = narrativeSQL + " AND pr.submitted_at <= \(bind: cutoff)" }
        narrativeSQL = narrativeSQL + " ORDER BY pr.task_id, pr.submitted_at DESC, pr.id DESC"
        var latest: [Int: String] = [:]
        for n in try await sql.raw(narrativeSQL).all(decoding: Narrative.self) where latest[n.task_id] == nil {
            latest[n.task_id] = n.narrative
        }
        let linksByProblem = Dictionary(grouping: links, by: \.problem_id)
        var sections: [OfficialReport.ProblemSection] = []
        for problem in problems {
            var tasks = linksByProblem[problem.id!] ?? []
            if let past {
                tasks = tasks.compactMap { t in
                    past[t.task_id].map { Link(problem_id: t.problem_id, task_id: t.task_id, number: t.number, kind: t.kind, progress_status: $0) }
                }
            }
            let longTerm = !tasks.isEmpty && tasks.allSatisfy { $0.kind == TaskKind.longTerm.rawValue }
            sections.append(.init(number: problem.number, text: problem.text,
                                  statusWords: OfficialReport.statusWords(of: tasks.map { $0.progress_status.flatMap(PublicStatus.init(rawValue:)) },
                                                                          longTerm: longTerm),
                                  narratives: tasks.compactMap { latest[$0.task_id] }))
        }
        var report = OfficialReport(title: inspection.title, team: inspection.team, regionName: inspection.targetRegion.name,
                              stationedFrom: inspection.stationedFrom.flatMap(LocalDate.init(iso:)),
                              stationedUntil: inspection.stationedUntil.flatMap(LocalDate.init(iso:)),
                              feedbackDate: inspection.feedbackDate.flatMap(LocalDate.init(iso:)),
                              asOf: asOf, tasksTotal: total, counts: counts, problems: sections, petitions: petitions,
                              lineage: try await LineageService.figures(inspectionID: inspectionID, at: cutoff, on: db))
        let asOfDay = cutoff.map { LocalDate.today(now: $0) } ?? today
        report.plan = try await planFigures(inspectionID: inspectionID, asOf: asOfDay, past: roundID == nil ? past : nil, frozen: roundID != nil, on: db)
        report.indicators = try await indicatorSentences(inspection, asOf: asOfDay, access: access, on: db)
        return report
    }

    /// The latest plan approved by the report's day, its own tasks counted by their status
    /// then (`past`) or now; nil without a plan, or for a round's frozen figures (which
    /// were counted over every task and are not re-counted).
    static func planFigures(inspectionID: Int, asOf: LocalDate, past: [Int: String?]?, frozen: Bool,
                            on db: any Database) async throws -> PlanFigures? {
        guard !frozen, let plan = try await RectificationPlan.query(on: db).filter(\.$inspection.$id == inspectionID)
            .filter(\.$approvedOn <= asOf.iso).sort(\.$version, .descending).first() else { return nil }
        let baseline = plan.baseline
        var statuses: [Int: String?]
        if let past { statuses = past } else {
            statuses = [:]
            for t in try await TaskRecord.query(on: db).filter(\.$inspection.$id == inspectionID).filter(\.$parentTask.$id == nil).all() {
                // Not `statuses[id] = nil`, which would drop a task not yet assessed.
                if let id = t.id { statuses.updateValue(t.progressStatus?.rawValue, forKey: id) }
            }
        }
        let ids = Set(baseline.tasks.map(\.id))
        // 核减 approved by the report's day: out of the counts, named in the sentence.
        let withdrawn = Set(try await TaskWithdrawal.query(on: db).filter(\.$inspection.$id == inspectionID)
            .filter(\.$approvedOn <= asOf.iso).all().map(\.$task.id))
        var counts: [PublicStatus: Int] = [:]
        for (id, status) in statuses where ids.contains(id) && !withdrawn.contains(id) {
            if let s = status.flatMap(PublicStatus.init(rawValue:)) { counts[s, default: 0] += 1 }
        }
        return PlanFigures(documentNumber: plan.documentNumber, baselineTasks: baseline.tasks.count, counts: counts,
                           added: statuses.keys.filter { !ids.contains($0) && !withdrawn.contains($0) }.count,
                           withdrawn: withdrawn.intersection(ids).count)
    }

    /// One sentence per indicator of the inspection (or, when none is tied to it, of its
    /// region), from the latest value reported for a period ended by the report's day.
    static func indicatorSentences(_ inspection: Inspection, asOf: LocalDate, access: Access, on db: any Database) async throws -> [String] {
        try await IndicatorBoard.forInspection(inspection, access: access, on: db).compactMap { l in
            l.reportable(asOf: asOf).map { l.sentence(at: $0) }
        }
    }

    /// The end of a day in China time (UTC+8), as an instant.
    static func endOfDay(_ d: LocalDate) -> Date {
        // Day numbers count from 1970-01-01; the day ends at 24:00 in UTC+8.
        Date(timeIntervalSince1970: TimeInterval((d.dayNumber + 1) * 86_400 - 8 * 3_600))
    }

    /// Each task of the inspection that existed at `instant`, with the public status the
    /// ledger then recorded: the after-state of its last audited change up to then, or,
    /// if its first audited change came later, that change's before-state, or, if it was
    /// never changed, its status now.
    static func statuses(inspectionID: Int, at instant: Date, on db: any Database) async throws -> [Int: String?] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct T: Decodable { let id: Int; let progress_status: String? }
        struct E: Decodable { let task_id: Int; let at: String; let before_json: String?; let after_json: String? }
        struct Snapshot: Decodable { let progressStatus: String? }
        let tasks = try await sql.raw("""
            SELECT id, progress_status FROM tasks WHERE inspection_id = \(bind: inspectionID) AND parent_task_id IS NULL \
            AND created_at <= \(bind: instant)
            """).all(decoding: T.self)
        var result: [Int: String?] = [:]
        for t in tasks { result[t.id] = t.progress_status }
        let stamp = Audit.timestamp(instant)
        let events = try await sql.raw("""
            SELECT e.task_id, e.at, e.before_json, e.after_json FROM audit_events e JOIN tasks t ON t.id = e.task_id \
            WHERE t.inspection_id = \(bind: inspectionID) AND e.record_type = 'task' ORDER BY e.id
            """).all(decoding: E.self)
        AuditReplay.apply(events.map { ($0.task_id, $0.at, $0.before_json, $0.after_json) }, upTo: stamp, to: &result) { json in
            guard let json, let s = try? JSONDecoder().decode(Snapshot.self, from: Data(json.utf8)) else { return nil }
            return .some(s.progressStatus)
        }
        return result
    }

    /// Printable HTML, all text escaped.
    static func html(_ r: OfficialReport) -> String {
        HTML(
            .lang(.chinese),
            .head(
                .encoding(.utf8),
                .title(HTMLText.escape("关于\(r.title)整改落实情况的报告")),
                .element(named: "style", nodes: [.raw("""
                    body{font:16px/1.9 "Noto Serif CJK SC","SimSun",serif;max-width:46em;margin:2em auto;padding:0 1em;color:#111}
                    h1{font-size:22px;text-align:center;margin-bottom:1.5em}h2{font-size:17px;margin:1.4em 0 .3em}
                    p{text-indent:2em;margin:.3em 0}.status{font-weight:700}@media print{body{margin:0}}
                    """)])
            ),
            .body(
                .h1(.words("关于\(r.title)整改落实情况的报告")),
                .p(.words(r.opening)),
                .unwrap(r.indicatorParagraph) { .p(.words($0)) },
                .forEach(r.problems) { p in
                    .div(
                        .h2(.words("\(ChineseNumeral.string(p.number) ?? String(p.number))、\(p.text)")),
                        .p(.class("status"), .words("整改进展情况:\(p.statusWords)。")),
                        .forEach(p.narratives) { .p(.words($0)) }
                    )
                }
            )
        ).render()
    }
}

extension OfficialReportBuilder {
    /// The report as a Word document: title, opening, then each problem as a heading
    /// with its status line and narratives, in the official layout.
    static func docx(_ r: OfficialReport) throws -> Data {
        var paragraphs: [DOCXDocument.Paragraph] = [.init(.title, "关于\(r.title)整改落实情况的报告"), .init(.body, r.opening)]
        if let p = r.indicatorParagraph { paragraphs.append(.init(.body, p)) }
        for p in r.problems {
            paragraphs.append(.init(.heading, "\(ChineseNumeral.string(p.number) ?? String(p.number))、\(p.text)"))
            paragraphs.append(.init(.body, "整改进展情况:\(p.statusWords)。"))
            for n in p.narratives { paragraphs.append(.init(.body, n)) }
        }
        return try DOCXDocument(title: "关于\(r.title)整改落实情况的报告", paragraphs: paragraphs).data()
    }
}

enum OfficialReportAPI {
    /// GET /api/v1/inspections/{id}/report?format=text|html|docx[&round=ID | &date=YYYY-MM-DD]
    static func show(req: Request) async throws -> Response {
        let access = try await req.access()
        let round = try? req.query.get(Int.self, at: "round")
        var date: LocalDate?
        if let text = try? req.query.get(String.self, at: "date"), !text.isEmpty {
            guard let d = LocalDate(iso: text) else {
                throw AppError(status: .badRequest, code: "report.dateInvalid", message: "日期应写成 2018-06-30 的格式")
            }
            guard round == nil else {
                throw AppError(status: .badRequest, code: "report.dateAndRound", message: "按日期或按调度出报告,只能选一种")
            }
            date = d
        }
        let report = try await OfficialReportBuilder.build(inspectionID: try req.intParameter("id"), roundID: round, date: date,
                                                           access: access, today: req.application.clock.today, on: req.db)
        let format = (try? req.query.get(String.self, at: "format")) ?? "text"
        var headers = HTTPHeaders()
        switch format {
        case "html":
            headers.contentType = .html
            return Response(status: .ok, headers: headers, body: .init(string: OfficialReportBuilder.html(report)))
        case "text":
            headers.contentType = .plainText
            return Response(status: .ok, headers: headers, body: .init(string: report.text))
        case "docx":
            headers.replaceOrAdd(name: .contentType,
                                 value: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            headers.replaceOrAdd(name: .contentDisposition,
                                 value: "attachment; filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.docx")
            return Response(status: .ok, headers: headers, body: .init(data: try OfficialReportBuilder.docx(report)))
        default:
            throw AppError(status: .badRequest, code: "report.formatUnknown", message: "报告格式应为 text、html 或 docx")
        }
    }
}

/// A register as it stood at a moment, from its state now and its audit trail: each
/// record takes the after-state of its last audited change up to then, or, if its first
/// change came later, that change's before-state; a record never changed keeps its state.
enum AuditReplay {
    /// `events` in the order they were recorded: (record id, at, before JSON, after JSON);
    /// `state` holds the records that existed then, as they are now.
    static func apply<S>(_ events: [(Int, String, String?, String?)], upTo stamp: String, to state: inout [Int: S],
                         decode: (String?) -> S?) {
        var settled: Set<Int> = []
        for (record, at, before, after) in events where state[record] != nil {
            if at <= stamp {
                if let s = decode(after) { state[record] = s }
                settled.insert(record)
            } else if !settled.contains(record) {
                if let s = decode(before) { state[record] = s }
                settled.insert(record)
            }
        }
    }
}
