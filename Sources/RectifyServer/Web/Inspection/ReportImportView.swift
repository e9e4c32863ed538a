import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

struct ReportImportView: PageView {
    let context: PageContext
    let draft: ReportParser.Result?
    let text: String
    let error: String?
    let units: [(Int, String)]
    let state: FormState?
    var title: String { "从公开报告导入" }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("从公开报告导入督察"),
            .p(.class("sub"), .words("粘贴或上传已公开的整改情况报告正文(可含网页页眉页脚、繁体字、拼音注音)。系统识别出反馈问题、整改进展和措施,经您核对修改后建成督察。")),
            .unwrap(error) { .p(.class("error"), .attribute(named: "role", value: "alert"), .words($0)) },
            .if(draft == nil, .form(.class("action wide"), .method(.post), .action(SiteURL.reportImport.path), .enctype(.multipartData),
                  Forms.csrf(context),
                  Forms.area("报告正文", "text", value: text, rows: 12, form: "r"),
                  .div(.class("field wide"), .label(.for("r-file"), "或上传文本文件(UTF-8)"), .input(.id("r-file"), .type(.file), .name("file"))),
                  Forms.submit("识别"))),
            .unwrap(draft) { d in
                .form(.class("action wide"), .method(.post), .action(HTMLText.escape(SiteURL.reportImport.path + "/create")),
                      Forms.csrf(context),
                      .h2("核对识别结果"),
                      .p(.class("sub"), .words(figures(d.figures))),
                      recognition(d),
                      Forms.field("督察名称", "inspection[title]", value: "", required: true, form: "r"),
                      Forms.select("级别", "inspection[level]", options: InspectionLevel.allCases.map { ($0.rawValue, $0.label) }, selected: "central", form: "r"),
                      Forms.field("轮次", "inspection[round]", type: .number, value: "", form: "r"),
                      Forms.select("类型", "inspection[kind]", options: InspectionKind.allCases.map { ($0.rawValue, $0.label) }, selected: "routine", form: "r"),
                      Forms.field("督察组", "inspection[team]", value: "", required: true, form: "r"),
                      Forms.field("被督察地区代码", "inspection[targetRegionCode]", type: .number, value: "", required: true, form: "r"),
                      Forms.select("各任务的责任单位(可在任务中调整)", "responsibleUnitID", options: units.map { (String($0.0), $0.1) }, selected: nil, form: "r"),
                      Forms.field("限期整改任务的整改时限", "deadline", type: .date, value: "", form: "r"),
                      .table(.class("ledger"),
                             .thead(.tr(.th("编号"), .th("问题"), .th("进展"), .th("长期坚持"), .th("措施"))),
                             .tbody(.forEach(Array(d.problems.enumerated())) { i, p in problemRow(i, p) })),
                      Forms.submit("建立督察"))
            }
        )
    }

    func problemRow(_ i: Int, _ p: ReportParser.Problem) -> Node<HTML.TableContext> {
        let number: Node<HTML.BodyContext> = .input(.type(.number), .name(HTMLText.escape("problems[\(i)][number]")), .value(String(p.number)), .class("narrow"))
        let text: Node<HTML.BodyContext> = .textarea(.name(HTMLText.escape("problems[\(i)][text]")), .attribute(named: "rows", value: "3"), .words(p.text))
        let status: Node<HTML.BodyContext> = .select(.attribute(named: "name", value: HTMLText.escape("problems[\(i)][status]")),
                                                     .forEach(statusOptions) { v, l in .choice(v, l, selected: v == p.status.rawValue) })
        let longTerm: Node<HTML.BodyContext> = .select(.attribute(named: "name", value: HTMLText.escape("problems[\(i)][longTerm]")), .choice("false", "否", selected: !p.longTerm),
                                                       .choice("true", "是", selected: p.longTerm))
        let measures: Node<HTML.BodyContext> = .textarea(.name(HTMLText.escape("problems[\(i)][measures]")), .attribute(named: "rows", value: "3"), .words(p.measures))
        return .tr(.td(number), .td(text), .td(status, .div(.class("sub"), .words(p.statusText))), .td(longTerm), .td(measures))
    }

    /// The statuses a report states (its words from PublicStatus), or none written.
    let statusOptions: [(String, String)] = [PublicStatus.completed, .basicallyCompleted, .onSchedule, .behindSchedule, .inProgress]
        .map { ($0.rawValue, $0.label) } + [("unknown", "未写明")]

    /// What was and was not recognised: the numbering read, every numbering tried, the text not placed.
    func recognition(_ d: ReportParser.Result) -> Node<HTML.FormContext> {
        .div(
            .p(.class(d.problems.isEmpty ? "error" : "sub"),
               .words(d.problems.isEmpty ? "没有识别出带整改进展的反馈问题。" : "识别出 \(d.problems.count) 个反馈问题(编号样式:\(Self.layoutWords(d.layout)))。")),
            .if(!d.tried.isEmpty, .p(.class("sub"), .words("尝试过的编号样式:" + d.tried.joined(separator: ";")))),
            .if(!d.unplaced.isEmpty, .details(.summary(.words(d.problems.isEmpty ? "未能归入问题的文字(前几行)" : "未找到整改状态的编号项(\(d.unplaced.count))")),
                                              .ul(.forEach(d.unplaced) { .li(.words($0)) })))
        )
    }

    static func layoutWords(_ layout: String?) -> String {
        switch layout {
        case "chinese": "一、"
        case "parenChinese": "(一)"
        case "arabic": "1. 或 1、"
        case "parenArabic": "(1)"
        case "circled": "①"
        case "ordinal": "第一项"
        case "problemNumber": "问题一:"
        default: "无"
        }
    }

    func figures(_ f: ReportParser.Figures) -> String {
        let parts: [(String, Int?)] = [("反馈问题", f.problemsTotal), ("整改任务", f.tasksTotal), ("已完成", f.completed), ("基本完成", f.basicallyCompleted),
                                       ("达到序时进度", f.onSchedule), ("未达到序时进度", f.behindSchedule), ("阶段性完成", f.stageCompleted),
                                       ("长期坚持", f.longTerm), ("全面实施", f.fullyImplemented), ("信访件", f.petitionsTotal),
                                       ("已办结", f.petitionsClosed), ("阶段性办结", f.petitionsClosedAtStage), ("正在办理", f.petitionsInProgress)]
        let stated = parts.compactMap { n, v in v.map { "\(n) \($0)" } }
        return "报告中的统计数字:" + (stated.isEmpty ? "无" : stated.joined(separator: ",")) + "。"
    }
}
