import Fluent
import Plot
import Vapor
import RectifyCore

/// 整改方案 of one inspection (issue 15 §1): its approved versions, the latest's document,
/// and what changed against the approved baseline; the office registers a (re-)approval.
struct PlanPageView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let versions: [PlanService.PlanOut]
    let canEdit: Bool
    let state: FormState?
    var title: String { "整改方案" }

    func changes(_ list: [PlanChange]) -> Node<HTML.BodyContext> {
        guard !list.isEmpty else { return .p(.words("台账与批准时的方案一致,没有变化。")) }
        let counts = PlanChange.Kind.allCases.compactMap { k -> String? in
            let n = list.filter { $0.kind == k }.count
            return n == 0 ? nil : "\(k.label) \(n) 项"
        }
        return .div(
            .p(.words("与批准时的基线相比:" + counts.joined(separator: ",") + "。")),
            .table(.class("ledger"),
                   .thead(.tr(.th("任务"), .th("变化"), .th("原来"), .th("现在"))),
                   .tbody(.forEach(list) { c in
                       .tr(.td(.a(.href(SiteURL.task(c.taskID).path), .words("\(c.number). \(c.title)"))), .td(.words(c.kind.label)),
                           .td(.words(c.before.map { Fmt.date($0) } ?? "—")), .td(.words(c.after.map { LocalDate(iso: $0) == nil ? $0 : Fmt.date($0) } ?? "—")))
                   })))
    }

    var content: Node<HTML.BodyContext> {
        let f = "plan"
        return .div(
            .p(.class("crumbs"), .a(.href(SiteURL.inspections.path), .words("督察与整改任务")), .words(" › \(inspectionTitle)")),
            .h1("整改方案"),
            .if(versions.isEmpty, .p(.class("empty"), .words("还没有登记批准的整改方案。登记后,方案确定的问题和任务作为基线,之后的新增、分解、调整时限都对照基线列出。"))),
            .forEach(versions) { v in
                .section(.class("panel"),
                         .h2(.words("第 \(v.version) 版 · \(v.title)")),
                         .p(.words("\(v.documentNumber),\(v.approvedBy) \(Fmt.date(v.approvedOn)) 批准;基线 \(v.problems) 个问题、\(v.tasks) 项任务。")),
                         .if(v.documentName != nil, .p(.a(.href(SiteURL.planDocumentWeb(v.id).path), .words("下载方案文件:\(v.documentName ?? "")")))),
                         .unwrap(v.changes) { changes($0) })
            },
            .if(canEdit, .section(.class("panel"), .h2(.words(versions.isEmpty ? "登记批准的整改方案" : "登记重新批准的版本")),
                .form(.class("action wide"), .method(.post), .action(SiteURL.inspectionPlans(inspectionID).path), .enctype(.multipartData),
                      Forms.csrf(context), Forms.message(state, f),
                      Forms.field("方案名称", "title", value: state?.value("title") ?? "", required: true, error: state?.error("title"), form: f),
                      Forms.field("文号", "documentNumber", value: state?.value("documentNumber") ?? "", required: true, hint: "如 辽委办发〔2017〕88号",
                                  error: state?.error("documentNumber"), form: f),
                      Forms.field("批准机关", "approvedBy", value: state?.value("approvedBy") ?? "", required: true, error: state?.error("approvedBy"), form: f),
                      Forms.field("批准日期", "approvedOn", type: .date, value: state?.value("approvedOn") ?? "", required: true,
                                  error: state?.error("approvedOn"), form: f),
                      .div(.class("field"), .label(.for("plan-file"), .words("方案文件(PDF、OFD 或 Word,可选)")),
                           .input(.id("plan-file"), .type(.file), .name("file"))),
                      Forms.submit("登记")))),
            .if(canEdit && !versions.isEmpty, .section(.class("panel"), .h2("登记核减(取消或合并任务)"),
                .p(.class("sub"), .words("批准机关同意核减后登记;台账中的任务保持原样,方案的变化和整改报告的总述会写明核减。")),
                .form(.class("action wide"), .method(.post), .action(SiteURL.planWithdrawal(inspectionID).path),
                      Forms.csrf(context), Forms.message(state, "withdraw"),
                      Forms.field("任务序号", "number", type: .number, value: state?.value("number") ?? "", required: true,
                                  error: state?.isFor("withdraw") == true ? state?.error("taskID") : nil, form: "withdraw"),
                      Forms.select("方式", "kind", options: PlanWithdrawal.allCases.map { ($0.rawValue, $0.label) }, selected: state?.value("kind"),
                                   form: "withdraw"),
                      Forms.field("并入任务序号(合并时)", "into", type: .number, value: state?.value("into") ?? "",
                                  error: state?.isFor("withdraw") == true ? state?.error("mergedIntoTaskID") : nil, form: "withdraw"),
                      Forms.field("批准文号", "documentNumber", value: state?.value("documentNumber") ?? "", required: true,
                                  error: state?.isFor("withdraw") == true ? state?.error("documentNumber") : nil, form: "withdraw"),
                      Forms.field("批准日期", "approvedOn", type: .date, value: state?.value("approvedOn") ?? "", required: true,
                                  error: state?.isFor("withdraw") == true ? state?.error("approvedOn") : nil, form: "withdraw"),
                      Forms.area("核减理由", "reason", value: state?.value("reason") ?? "", required: true, rows: 2,
                                 error: state?.isFor("withdraw") == true ? state?.error("reason") : nil, form: "withdraw"),
                      Forms.submit("登记核减", style: "secondary"))))
        )
    }
}

enum PlanPagesController {
    static func show(req: Request) async throws -> Response { try await page(req, state: nil) }

    static func page(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await req.access()
        let id = try req.intParameter("id")
        let inspection = try await PlanService.inspection(id, access: access, write: false, on: req.db)
        return PlanPageView(context: PageContext(req, section: .inspections), inspectionID: id, inspectionTitle: inspection.title,
                            versions: try await PlanService.versions(inspectionID: id, access: access, on: req.db),
                            canEdit: PlanService.canWrite(access, inspection), state: state).response()
    }

    struct Form: Content {
        var title: String
        var documentNumber: String
        var approvedBy: String
        var approvedOn: LocalDate
        var file: File?
    }

    struct WithdrawForm: Content {
        var number: Int
        var kind: PlanWithdrawal
        var into: String?
        var documentNumber: String
        var approvedOn: LocalDate
        var reason: String
    }

    static func withdraw(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "withdraw", success: "核减已登记", redirect: { SiteURL.inspectionPlans(id).path }, action: {
            let f = try req.form(WithdrawForm.self)
            let access = try await req.access()
            _ = try await PlanService.inspection(id, access: access, write: true, on: req.db)
            func task(_ number: Int, field: String) async throws -> Int {
                guard let t = try await TaskRecord.query(on: req.db).filter(\.$inspection.$id == id).filter(\.$number == number)
                    .filter(\.$parentTask.$id == nil).first(), let tid = t.id else {
                    throw ValidationFailure([.init("plan.taskUnknown", field: field, "本次督察没有序号为 \(number) 的任务")])
                }
                return tid
            }
            let taskID = try await task(f.number, field: "taskID")
            var into: Int?
            if let text = f.into?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let n = Int(text) else {
                    throw ValidationFailure([.init("plan.mergeTargetUnknown", field: "mergedIntoTaskID", "并入任务序号应是数字")])
                }
                into = try await task(n, field: "mergedIntoTaskID")
            }
            _ = try await PlanService.withdraw(taskID: taskID, .init(kind: f.kind, mergedIntoTaskID: into, documentNumber: f.documentNumber,
                                                                     approvedOn: f.approvedOn, reason: f.reason),
                                               access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }

    static func approve(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "plan", success: "整改方案已登记", redirect: { SiteURL.inspectionPlans(id).path }, action: {
            let f: Form
            do { f = try req.content.decode(Form.self) } catch let e as DecodingError { throw e } catch {
                throw AppError(status: .unprocessableEntity, code: "badForm", message: "表单内容不完整或格式不对")
            }
            let access = try await req.access()
            // The file is checked before anything is written, so a wrong file leaves no version behind.
            var stored: EvidenceService.StoredFile?
            if let file = f.file, file.data.readableBytes > 0 {
                _ = try await PlanService.inspection(id, access: access, write: true, on: req.db)
                let s = try await EvidenceAPI.service(req).storeFile(name: file.filename, body: file.data)
                guard PlanService.documentKinds.contains(s.kind) else {
                    throw AppError(status: .unsupportedMediaType, code: "plan.documentType", message: "方案文件应是 PDF、OFD 或 Word 文档")
                }
                stored = s
            }
            _ = try await PlanService.approve(inspectionID: id, .init(title: f.title, documentNumber: f.documentNumber, approvedBy: f.approvedBy,
                                                                      approvedOn: f.approvedOn),
                                              document: stored, access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }
}
