import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

struct NewTaskView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let problems: [(Int, Int, String)]
    let units: [(Int, String)]
    let nextNumber: Int
    let state: FormState?
    var title: String { "新增整改任务" }

    func multi(_ label: String, _ name: String) -> Node<HTML.FormContext> {
        .div(.class("field"),
             .label(.for(HTMLText.escape("t-\(name)")), .words(label)),
             .select(.id(HTMLText.escape("t-\(name)")), .attribute(named: "name", value: HTMLText.escape("\(name)[]")), .attribute(named: "multiple", value: "multiple"), .attribute(named: "size", value: "5"),
                     .forEach(units) { id, name in .choice(String(id), name) }),
             .small(.class("sub"), .words("可多选(按住 Ctrl 或 ⌘)")),
             .unwrap(name == "responsible" ? state?.error("assignments") : nil) { .small(.class("field-error"), .words($0)) })
    }

    var content: Node<HTML.BodyContext> {
        let s = state?.isFor("task") == true ? state : nil
        let p = state?.isFor("problem") == true ? state : nil
        return .div(
            .p(.class("crumbs"), .a(.href(HTMLText.escape(SiteURL.ledger.with([("inspection", String(inspectionID))]))), .words(inspectionTitle))),
            .h1("新增整改任务"),
            .div(.class("grid two"),
                 .form(.class("action"), .method(.post), .action(SiteURL.taskNew(inspectionID).path),
                       Forms.csrf(context),
                       Forms.message(state, "task"),
                       Forms.field("序号", "number", type: .number, value: s?.value("number") ?? String(nextNumber), required: true, error: s?.error("number"), form: "t"),
                       Forms.field("任务名称", "title", value: s?.value("title") ?? "", required: true, error: s?.error("title"), form: "t"),
                       Forms.select("反馈问题", "problemID", options: problems.map { (String($0.0), "\(ChineseNumeral.string($0.1) ?? String($0.1))、\($0.2.prefix(30))") },
                                    selected: s?.value("problemID"), error: s?.error("problemIDs"), form: "t", blank: "(不关联)"),
                       Forms.area("整改目标", "target", value: s?.value("target") ?? "", rows: 2, form: "t"),
                       Forms.area("整改措施", "measures", value: s?.value("measures") ?? "", rows: 3, form: "t"),
                       Forms.select("类型", "kind", options: TaskKind.allCases.map { ($0.rawValue, $0.label) }, selected: s?.value("kind") ?? "timeLimited", form: "t"),
                       Forms.field("整改时限", "deadline", type: .date, value: s?.value("deadline") ?? "", error: s?.error("deadline"), form: "t"),
                       Forms.field("责任领导", "leadOfficial", value: s?.value("leadOfficial") ?? "", form: "t"),
                       multi("责任单位", "responsible"), multi("配合单位", "cooperating"), multi("督导单位", "supervising"), multi("验收单位", "acceptance"),
                       Forms.area("阶段目标(每行一个,如:2018年6月30日:完成排查)", "milestones", value: s?.value("milestones") ?? "", rows: 3,
                                  error: s?.error("milestones"), form: "t"),
                       .label(.class("check"), .input(.type(.checkbox), .name("assign"), .value("true"), .attribute(named: "checked", value: "checked")),
                              .words(" 建立后立即交办")),
                       Forms.submit("建立任务")),
                 .section(.class("panel"),
                          .h2("反馈问题"),
                          .ol(.forEach(problems) { _, n, text in .li(.words("\(ChineseNumeral.string(n) ?? String(n))、\(text)")) }),
                          .form(.class("inline"), .method(.post), .action(SiteURL.problemNew(inspectionID).path),
                                Forms.csrf(context),
                                .h3("添加反馈问题"),
                                Forms.message(state, "problem"),
                                Forms.field("编号", "number", type: .number, value: p?.value("number") ?? String((problems.map(\.1).max() ?? 0) + 1),
                                            required: true, error: p?.error("number"), form: "p"),
                                Forms.area("问题内容", "text", value: p?.value("text") ?? "", required: true, rows: 3, error: p?.error("text"), form: "p"),
                                Forms.submit("添加问题", style: "secondary"))))
        )
    }
}
