import Plot

struct LoginPage: PageView {
    let login: String
    let error: String?

    var title: String { "登录" }
    var context: PageContext { .anonymous }

    var content: Node<HTML.BodyContext> {
        .div(
            .class("login"),
            .h1("登录"),
            .unwrap(error) { .p(.class("error"), .attribute(named: "role", value: "alert"), .words($0)) },
            .form(
                .action(SiteURL.login.path), .method(.post),
                .label(.for("login"), "登录名"),
                .input(.id("login"), .name("login"), .type(.text), .value(HTMLText.escape(login)), .autofocus(true),
                       .attribute(named: "autocomplete", value: "username"), .required(true)),
                .label(.for("password"), "密码"),
                .input(.id("password"), .name("password"), .type(.password),
                       .attribute(named: "autocomplete", value: "current-password"), .required(true)),
                .button(.type(.submit), .words("登录"))
            ),
            .p(.class("sub"), .a(.href(SiteURL.publicHome.path), .words("不登录,查看信息公开")))
        )
    }
}
