import Plot
import Vapor
import RectifyCore

extension PublicPagesController {
    /// A citizen's objection to a notice (issue 12 §6): recorded, or the form again with
    /// what to fix; the page says what happens next, never echoes anyone else's data.
    static func objection(req: Request) async throws -> Response {
        let noticeID = try req.intParameter("id")
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        let context = PageContext(req, section: .portal)
        do {
            let form = try req.form(PublicObjectionForm.self)
            let received = try await PublicObjection.submit(noticeID: noticeID, form, address: address,
                                                            clock: req.application.clock, on: req.db)
            return PublicObjectionView(context: context, noticeID: noticeID, received: received, state: nil).response(status: .created)
        } catch let error {
            let e: AppError
            switch error {
            case let a as AppError: e = a
            case let f as ValidationFailure: e = AppError.validation(f)
            case let d as DecodingError:
                e = AppError(status: .unprocessableEntity, code: "badForm", message: "表单内容不完整:\(Request.describe(d))")
            default: throw error
            }
            if e.status == .notFound { throw e }
            var state = FormState(form: "objection", values: req.formValues(), message: e.message)
            for v in e.violations { state.errors[v.field] = (state.errors[v.field].map { $0 + ";" } ?? "") + v.message }
            if !e.violations.isEmpty { state.message = "请按提示修改后重新提交" }
            return PublicObjectionView(context: context, noticeID: noticeID, received: nil, state: state).response(status: e.status)
        }
    }
}

struct PublicObjectionView: PageView {
    let context: PageContext
    let noticeID: Int
    let received: PublicObjection.Received?
    let state: FormState?
    var title: String { "公示异议" }

    /// The form under each running notice on the public inspection page.
    static func form(noticeID: Int, taskNumber: Int?, state: FormState?) -> Node<HTML.BodyContext> {
        let f = "objection-\(noticeID)"
        return .details(.class("objection-form"), .open(state != nil),
            .summary(.words("对该任务的整改结果有异议?在网上提出")),
            .form(.class("action wide"), .method(.post), .action(SiteURL.publicObjection(noticeID).path),
                  Forms.message(state, "objection"),
                  Forms.area("异议内容和理由", "content", value: state?.value("content") ?? "", required: true, rows: 4,
                             error: state?.error("content"), form: f),
                  Forms.field("联系电话或电子邮箱", "contact", value: state?.value("contact") ?? "", required: true,
                              hint: "只用于答复您,不会公开", error: state?.error("contact"), form: f),
                  Forms.field("姓名(可不填)", "name", value: state?.value("name") ?? "", error: state?.error("name"), form: f),
                  Forms.submit("提交异议")),
            .p(.class("sub"), .words("也可在公示期内以书面形式向本地区督察整改工作领导小组办公室反映,注明任务序号\(taskNumber.map { "(第\($0)项)" } ?? "")和理由。")))
    }

    var content: Node<HTML.BodyContext> {
        .div(
            .p(.class("crumbs"), .a(.href(SiteURL.publicHome.path), .words("信息公开"))),
            .h1("公示异议"),
            .unwrap(received) { r in
                .div(.class("flash"), .attribute(named: "role", value: "status"),
                     .p(.words("已收到您对第\(r.taskNumber)项“\(r.taskTitle)”的异议(受理编号 \(r.entryID))。")),
                     .p(.words("整改办将核实并答复;答复会在公示页上公开,您的联系方式不会公开。")))
            },
            .if(received == nil, PublicObjectionView.form(noticeID: noticeID, taskNumber: nil, state: state))
        )
    }
}
