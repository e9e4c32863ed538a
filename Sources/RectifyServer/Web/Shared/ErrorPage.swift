import Plot

/// What a browser sees when something goes wrong: the message, never internals.
struct ErrorPage: PageView {
    let status: Int
    let message: String
    let code: String
    let context: PageContext

    var title: String { "出错了" }

    var content: Node<HTML.BodyContext> {
        .div(
            .class("error-page"),
            .h1(.words("\(status)")),
            .p(.words(message)),
            .p(.class("sub"), .words("错误代码:\(code)")),
            .p(.a(.href(SiteURL.home.path), .words("返回首页")), .words(" · "), .a(.href(SiteURL.publicHome.path), .words("信息公开")))
        )
    }
}
