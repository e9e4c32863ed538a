import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

struct LedgerImportView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let preview: LedgerImport.Preview?
    let pending: String?
    let error: AppError?
    var title: String { "导入台账" }

    var content: Node<HTML.BodyContext> {
        .div(
            .p(.class("crumbs"), .a(.href(HTMLText.escape(SiteURL.ledger.with([("inspection", String(inspectionID))]))), .words(inspectionTitle))),
            .h1("导入台账"),
            .p(.class("sub"), .words("上传 Excel(.xlsx)或 CSV 台账。表头可用“序号、反馈问题、整改任务、整改目标、整改措施、责任单位(或牵头单位)、配合单位、督导单位、验收单位、责任领导、整改时限(或完成时限)、阶段目标、完成情况”。先预览,确认无误后才写入;同一文件重复导入不会重复建立任务。")),
            .unwrap(error) { e in
                .div(.class("error"), .attribute(named: "role", value: "alert"), .p(.words(e.message)),
                     .ul(.forEach(e.violations.prefix(50)) { .li(.words($0.message)) }))
            },
            .form(.class("action wide"), .method(.post), .action(SiteURL.ledgerImport(inspectionID).path), .enctype(.multipartData),
                  Forms.csrf(context),
                  .div(.class("field wide"), .label(.for("import-file"), "台账文件"),
                       .input(.id("import-file"), .type(.file), .name("file"), .required(true),
                              .attribute(named: "accept", value: ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
                  Forms.submit("预览")),
            .unwrap(preview) { p in
                .section(.class("panel"),
                         .h2("预览"),
                         .p(.words("表头在第 \(p.headerLine) 行。新建 \(p.counts.create) 项,更新 \(p.counts.update) 项,无变化 \(p.counts.unchanged) 项,有问题 \(p.counts.invalid) 行。")),
                         .if(!p.newProblems.isEmpty, .p(.words("将新建反馈问题:" + p.newProblems.map { "\(ChineseNumeral.string($0.number) ?? String($0.number))、\($0.text.prefix(20))" }.joined(separator: ";")))),
                         .if(!p.ignoredColumns.isEmpty, .p(.class("sub"), .words("未导入的列:\(p.ignoredColumns.joined(separator: "、"))"))),
                         .unwrap(pending) { token in
                             .form(.class("inline"), .method(.post), .action(SiteURL.ledgerImport(inspectionID).path), .enctype(.multipartData),
                                   Forms.csrf(context),
                                   .input(.type(.hidden), .name("pending"), .value(HTMLText.escape(token))),
                                   .input(.type(.hidden), .name("confirm"), .value("true")),
                                   Forms.submit("确认导入"))
                         },
                         .if(p.counts.invalid > 0, .p(.class("error"), .words("有问题的行须先在表格中修改,然后重新上传预览;有问题时不会导入任何内容。"))),
                         .table(.class("ledger"),
                                .thead(.tr(.th("行"), .th("序号"), .th("整改任务"), .th("处理"), .th("说明"))),
                                .tbody(.forEach(p.rows.filter { $0.action != "unchanged" }.prefix(500)) { r in
                                    row(r)
                                })))
            }
        )
    }
}

extension LedgerImportView {
    func row(_ r: LedgerImport.RowPlan) -> Node<HTML.TableContext> {
        let action = ["create": "新建", "update": "更新", "invalid": "有问题"][r.action] ?? r.action
        let note = r.action == "update" ? "更新:" + r.changes.joined(separator: "、") : r.problems.map(\.message).joined(separator: ";")
        let number = r.number.map(String.init) ?? ""
        return .tr(.class(r.action), .td(.words(String(r.line))), .td(.words(number)), .td(.words(r.title)), .td(.words(action)), .td(.words(note)))
    }
}
