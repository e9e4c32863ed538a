import Fluent
import Foundation
import Vapor
import RectifyCore

/// Bringing an office's existing material in (issue 5 §3, §4).
enum ImportAPI {
    static func body(_ req: Request) throws -> Data {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw AppError(status: .unprocessableEntity, code: "file.empty", message: "没有收到文件内容:请在请求体中上传台账文件")
        }
        return Data(buffer.readableBytesView)
    }

    static func service(_ req: Request) async throws -> LedgerImport {
        LedgerImport(db: req.db, access: try await req.access(), clock: req.application.clock)
    }

    /// POST /api/v1/inspections/{id}/ledger/preview: the body is the XLSX or CSV file.
    /// What would be created, updated or left alone, and every row's problems. Writes nothing.
    static func preview(req: Request) async throws -> LedgerImport.Preview {
        try await service(req).plan(inspectionID: try req.intParameter("id"), data: try body(req)).preview
    }

    /// POST /api/v1/inspections/{id}/ledger/import: the same file, written in one
    /// transaction if every row is valid; otherwise 422 and nothing written.
    static func apply(req: Request) async throws -> LedgerImport.Preview {
        try await service(req).apply(inspectionID: try req.intParameter("id"), data: try body(req))
    }

    /// POST /api/v1/report-drafts: the text of a published report (text/plain, or JSON
    /// {"text": …}); answers its problems and figures as `rectify import-report --json`
    /// prints them. Nothing is stored: the office reviews the draft, then creates.
    static func draft(req: Request) async throws -> ReportParser.Result {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        let text: String
        if req.headers.contentType == .json {
            struct Body: Decodable { let text: String }
            text = try req.decodeBody(Body.self).text
        } else {
            let data = try body(req)
            guard !data.contains(0), let s = String(data: data, encoding: .utf8) else {
                throw AppError(status: .unprocessableEntity, code: "report.notText",
                               message: "不是 UTF-8 文本:请粘贴报告正文,或把报告另存为 UTF-8 文本后上传")
            }
            text = s
        }
        let result = ReportParser.parse(text)
        guard !result.recognisedNothing else {
            throw AppError(status: .unprocessableEntity, code: "report.nothingRecognised",
                           message: result.unrecognisedAccount + ";也没有统计数字(如“58项整改任务中”“反馈的47个问题”)")
        }
        return result
    }

    struct FromReport: Content {
        var inspection: InspectionDraft
        /// The unit that answers for every task until the office reassigns them.
        var responsibleUnitID: Int
        /// The deadline of tasks that are not long-term, where a problem gives none.
        var deadline: LocalDate?
        var problems: [ReviewedProblem]
    }

    struct ReviewedProblem: Content {
        var number: Int
        var text: String
        var status: ReportParser.Status
        var longTerm: Bool
        var measures: String
        var deadline: LocalDate?
    }

    struct Created: Content {
        let inspectionID: Int
        let problems: Int
        let tasks: Int
    }

    /// POST /api/v1/inspections/from-report: the reviewed draft becomes an inspection
    /// with a problem and a task per item, each task carrying the report's status and
    /// measures. All or nothing; every problem of the draft is reported at once.
    static func createFromReport(req: Request) async throws -> Response {
        let body = try req.decodeBody(FromReport.self)
        return try await create(body, req: req).encodeResponse(status: .created, for: req)
    }

    /// Shared by the API and the review page.
    static func create(_ body: FromReport, req: Request) async throws -> Created {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        guard access.isAdmin || access.oversees([body.inspection.targetRegionCode], as: .office) else {
            throw AppError(status: .forbidden, code: "inspection.outsideRegion", message: "只能为本地区建立督察")
        }
        var violations: [Violation] = []
        if body.problems.isEmpty {
            violations.append(.init("report.problemsRequired", field: "problems", "草稿中没有反馈问题"))
        }
        var seen: Set<Int> = []
        for p in body.problems where !seen.insert(p.number).inserted {
            violations.append(.init("problem.numberDuplicate", field: "problems",
                                    "编号“\(ChineseNumeral.string(p.number) ?? String(p.number))”出现了不止一次"))
        }
        try violations.throwIfAny()
        let created = try await req.db.writeTransaction { tx -> Created in
            let store = Store(db: tx)
            let inspection = try await store.createInspection(body.inspection)
            let inspectionID = try inspection.requireID()
            var all: [Violation] = []
            for p in body.problems.sorted(by: { $0.number < $1.number }) {
                let problem: Problem
                do {
                    problem = try await store.createProblem(inspectionID: inspectionID, ProblemDraft(number: p.number, text: p.text))
                } catch let f as ValidationFailure {
                    all += f.violations
                    continue
                }
                let status: PublicStatus? = switch p.status {
                case .completed: .completed
                case .basicallyCompleted: .basicallyCompleted
                case .onSchedule: .onSchedule
                case .behindSchedule: .behindSchedule
                case .inProgress: .inProgress
                case .unknown: nil
                }
                let state: TaskState = switch status {
                case .completed?: .closed
                case .basicallyCompleted?: .accepted
                case nil: .assigned
                default: .inProgress
                }
                let draft = TaskDraft(number: p.number, title: title(of: p.text), measures: p.measures,
                                      kind: p.longTerm ? .longTerm : .timeLimited, deadline: p.deadline ?? body.deadline,
                                      problemIDs: [try problem.requireID()],
                                      assignments: [.init(unitID: body.responsibleUnitID, role: .responsible)],
                                      progressStatus: status)
                do {
                    _ = try await store.createTask(inspectionID: inspectionID, draft, state: state,
                                                   basicallyCompleted: status == .basicallyCompleted, today: req.application.clock.today)
                } catch let f as ValidationFailure {
                    all += f.violations.map {
                        Violation($0.code, field: $0.field, "\(ChineseNumeral.string(p.number) ?? String(p.number)):\($0.message)")
                    }
                }
            }
            try all.throwIfAny()
            try await Audit.record(on: tx, actor: access.auditActor, action: .inspectionFromReport, recordType: "inspection",
                                   recordID: inspectionID, taskID: nil, before: Optional<String>.none,
                                   after: ["problems": body.problems.count])
            return Created(inspectionID: inspectionID, problems: body.problems.count, tasks: body.problems.count)
        }
        return created
    }

    /// A task's name from its problem: the first sentence, at most 60 characters.
    static func title(of text: String) -> String {
        let first = text.split(whereSeparator: { "。;;\n".contains($0) }).first.map(String.init) ?? text
        return first.count > 60 ? String(first.prefix(60)) + "…" : first
    }
}

extension ReportParser.Result: Content {}
