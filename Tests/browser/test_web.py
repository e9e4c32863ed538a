"""Browser tests of the web interface (issue 4 §4), in a real Chromium through Selenium.

Run by scripts/browser-tests.sh, which starts `rectify serve` on a fresh database with
the demo data and passes its address in RECTIFY_URL. Screenshots of the main pages go
to the folder in RECTIFY_SCREENSHOTS (default: screenshots/).
"""
import datetime
import os
import re
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("RECTIFY_URL", "http://127.0.0.1:8080")
SHOTS = os.environ.get("RECTIFY_SCREENSHOTS", "screenshots")
TODAY = datetime.date.today()


def make_driver(width=1366, height=768):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class WebTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(SHOTS, exist_ok=True)
        cls.d = make_driver()
        cls.d.implicitly_wait(2)

    @classmethod
    def tearDownClass(cls):
        cls.d.quit()

    # -- helpers ---------------------------------------------------------------
    def go(self, path):
        self.d.get(BASE + path)

    def click_and_wait(self, element):
        """Clicks something that submits a form, and waits for the next page."""
        page = self.d.find_element(By.TAG_NAME, "html")
        # A script click: a native one can race Chromium's navigation and report a detached node.
        self.d.execute_script("arguments[0].click()", element)
        WebDriverWait(self.d, 15).until(EC.staleness_of(page))

    def text(self):
        return self.d.find_element(By.TAG_NAME, "body").text

    def shot(self, name, full=True):
        if full:
            height = self.d.execute_script("return Math.min(document.body.scrollHeight, 4000)")
            self.d.set_window_size(1366, max(768, height))
        self.d.save_screenshot(os.path.join(SHOTS, name + ".png"))
        self.d.set_window_size(1366, 768)

    def login(self, login):
        self.d.delete_all_cookies()
        self.go("/login")
        self.d.find_element(By.ID, "login").send_keys(login)
        self.d.find_element(By.ID, "password").send_keys(login + "-demo")
        self.click_and_wait(self.d.find_element(By.CSS_SELECTOR, ".login button[type=submit]"))
        self.assertNotIn("/login", self.d.current_url, self.text()[:300])

    def logout(self):
        self.click_and_wait(self.d.find_element(By.XPATH, "//header//button[text()='退出登录']"))
        self.assertIn("/login", self.d.current_url)

    def set_value(self, element_id, value):
        el = self.d.find_element(By.ID, element_id)
        self.d.execute_script("arguments[0].value = arguments[1]", el, value)

    def press(self, label, scope=None):
        root = scope or self.d
        self.click_and_wait(root.find_element(By.XPATH, f".//button[normalize-space(text())='{label}']"))

    def flash(self):
        return self.d.find_element(By.CSS_SELECTOR, "p.flash").text

    # -- tests -----------------------------------------------------------------
    def test_1_every_role_logs_in_and_sees_its_menu(self):
        menus = {"admin": "管理", "office": "调度", "unit": "我的待办", "acceptor": "我的待办", "leader": "总账"}
        # Each role lands on its own home (issue 12 §4).
        homes = {"admin": "首页", "office": "首页", "unit": "我的待办", "acceptor": "我的待办", "leader": "领导首页"}
        for login, item in menus.items():
            with self.subTest(login=login):
                self.login(login)
                nav = self.d.find_element(By.CSS_SELECTOR, "header nav").text
                self.assertIn(item, nav)
                self.assertIn(homes[login], self.d.find_element(By.TAG_NAME, "h1").text)
                self.logout()
        # A wrong password is refused in Chinese, and the form keeps the login name.
        self.go("/login")
        self.d.find_element(By.ID, "login").send_keys("office")
        self.d.find_element(By.ID, "password").send_keys("wrong-password")
        self.click_and_wait(self.d.find_element(By.CSS_SELECTOR, ".login button[type=submit]"))
        self.assertIn("登录名或密码不正确", self.text())
        self.assertEqual(self.d.find_element(By.ID, "login").get_attribute("value"), "office")
        self.shot("01-login", full=False)

    def test_2_a_task_from_creation_to_closure_and_onto_the_portal(self):
        title = "浏览器测试:整治入河排污口 " + TODAY.isoformat()
        # The office creates and assigns a task.
        self.login("office")
        self.shot("02-dashboard-office")
        self.go("/inspections/1/tasks/new")
        number = self.d.find_element(By.ID, "t-number").get_attribute("value")
        self.d.find_element(By.ID, "t-title").send_keys(title)
        self.d.find_element(By.ID, "t-measures").send_keys("排查;整治;验收。")
        self.set_value("t-deadline", (TODAY + datetime.timedelta(days=180)).isoformat())
        Select(self.d.find_element(By.ID, "t-responsible")).select_by_visible_text("辽宁省发展和改革委员会")
        Select(self.d.find_element(By.ID, "t-acceptance")).select_by_visible_text("辽宁省环境保护厅")
        self.d.find_element(By.ID, "t-milestones").send_keys((TODAY + datetime.timedelta(days=60)).strftime("%Y年%-m月%-d日") + ":完成排查")
        self.press("建立任务")
        self.assertIn("整改任务已建立", self.flash())
        task_url = self.d.current_url
        self.assertRegex(task_url, r"/tasks/\d+$")
        self.assertIn("已交办", self.text())
        self.logout()

        # The unit claims it and reports progress.
        self.login("unit")
        self.go("/my")
        self.assertIn(title, self.text())
        self.shot("03-my-work-unit")
        self.d.get(task_url)
        self.press("认领")
        self.assertIn("已认领", self.flash())
        self.assertIn("整改中", self.text())
        self.d.find_element(By.ID, "report-narrative").send_keys("已完成全部入河排污口排查,建立清单。")
        self.d.find_element(By.ID, "report-percent").send_keys("40")
        self.press("报送")
        self.assertIn("进展已报送", self.flash())
        self.logout()

        # The office accepts the report.
        self.login("office")
        self.d.get(task_url)
        self.press("采纳")
        self.assertIn("已审核", self.flash())
        self.assertIn("已采纳", self.text())
        self.logout()

        # The unit asks for acceptance; an empty narrative is refused next to the field, input kept.
        self.login("unit")
        self.d.get(task_url)
        form = self.d.find_element(By.XPATH, "//form[.//button[normalize-space(text())='申请验收']]")
        self.d.execute_script("arguments[0].noValidate = true", form)
        self.press("申请验收", form)
        self.assertIn("整改情况说明", self.text())
        self.assertIn("/tasks/", self.d.current_url)
        self.d.find_element(By.ID, "submitCompletion-narrative").send_keys("排污口全部完成整治,水质达标。")
        self.press("申请验收")
        self.assertIn("已申请验收", self.flash())
        self.logout()

        # The acceptance unit passes it.
        self.login("acceptor")
        self.go("/my")
        self.assertIn(title, self.text())
        self.d.get(task_url)
        self.d.find_element(By.ID, "acceptPass-opinion").send_keys("经现场核查,整改到位,同意通过验收。")
        self.press("验收通过")
        self.assertIn("已验收通过", self.flash())
        self.logout()

        # The office publishes a notice (already over) and closes the task.
        self.login("office")
        self.d.get(task_url)
        self.set_value("openNotice-noticeStart", (TODAY - datetime.timedelta(days=10)).isoformat())
        self.set_value("openNotice-noticeEnd", (TODAY - datetime.timedelta(days=1)).isoformat())
        self.d.find_element(By.ID, "openNotice-noticeText").send_keys("该任务已完成整改,现予公示。")
        self.press("发起公示")
        self.assertIn("已发起公示", self.flash())
        self.press("销号")
        self.assertIn("已销号", self.flash())
        body = self.text()
        for step in ("认领", "报送进展", "申请验收", "验收通过", "发起公示", "销号"):
            self.assertIn(step, body)
        self.shot("04-task-closed")
        self.logout()

        # The public sees it among the closed tasks, without logging in.
        self.d.delete_all_cookies()
        self.go("/public/inspections/1")
        self.click_and_wait(self.d.find_element(By.XPATH, "//nav[@class='tabs']/a[starts-with(normalize-space(.), '已销号')]"))
        closed = self.d.find_element(By.XPATH, "//section[.//h2[normalize-space(.)='已销号的任务']]").text
        self.assertIn(title, closed)
        self.assertIn("已完成全部入河排污口排查", closed)
        self.shot("05-public-inspection")

    def test_3_a_unit_cannot_open_another_units_task(self):
        self.login("unit")
        self.go("/ledger?inspection=2")
        self.assertIn("没有符合条件的任务", self.text())
        # A Shanxi task: the same answer as for a task that does not exist.
        self.go("/ledger")
        self.go("/tasks/70")
        hidden = self.text()
        self.go("/tasks/999999")
        missing = self.text()
        self.assertIn("页面不存在,或您无权查看", hidden)
        self.assertEqual(re.sub(r"\s+", "", hidden), re.sub(r"\s+", "", missing))
        self.shot("06-not-found", full=False)

    def test_4_the_public_sees_no_internal_field(self):
        self.d.delete_all_cookies()
        self.go("/public")
        # The report said 13 were 正在推进整改 in 2018; recomputed for today, past their deadlines, they are behind.
        self.assertRegex(self.text(), r"24项整改任务中,已有11项完成整改,13项(正在推进整改|尚未达到序时进度)")
        self.shot("07-public-home")
        self.go("/public/inspections/1")
        body = self.text()
        self.assertIn("整改进展情况", body)
        for internal in ("红灯", "黄灯", "绿灯", "已交办", "整改中", "已申请验收", "责任领导", "退出登录", "版本", "演示数据占位"):
            self.assertNotIn(internal, body)
        # Internal pages send a visitor to the login page.
        for path in ("/ledger", "/tasks/1", "/my", "/admin/users"):
            self.go(path)
            self.assertIn("/login", self.d.current_url, path)

    def test_5_main_pages_render_for_screenshots(self):
        self.login("office")
        for name, path in (("08-ledger", "/ledger?inspection=1"), ("09-ledger-red", "/ledger?light=red&sort=deadline"),
                           ("10-task", "/tasks/1"), ("11-rounds", "/rounds"), ("12-orders", "/orders"),
                           ("13-inspections", "/inspections"), ("14-report", "/inspections/1/report"),
                           ("15-import", "/inspections/1/import"), ("16-import-report", "/import-report")):
            self.go(path)
            self.assertNotIn("服务器内部错误", self.text(), path)
            self.shot(name)
        # Open a round, then look at it.
        self.go("/rounds")
        self.press("发起调度")
        self.click_and_wait(self.d.find_element(By.CSS_SELECTOR, "table.ledger a"))
        self.assertIn("应报", self.text())
        self.shot("17-round")
        self.logout()
        self.login("admin")
        self.go("/admin/users")
        self.shot("18-admin-users")
        # The ledger on a phone.
        self.d.set_window_size(390, 844)
        self.go("/ledger?inspection=1")
        self.d.save_screenshot(os.path.join(SHOTS, "19-ledger-phone.png"))
        self.d.set_window_size(1366, 768)

    def test_6_a_citizen_objects_online_and_each_role_finds_its_work(self):
        # The living demo's notices run today: a citizen objects from the public page.
        self.d.delete_all_cookies()
        self.go("/public")
        self.click_and_wait(self.d.find_element(By.PARTIAL_LINK_TEXT, "演示:随当日滚动"))
        form = self.d.find_element(By.CSS_SELECTOR, "details.objection-form")
        self.d.execute_script("arguments[0].open = true", form)
        form.find_element(By.NAME, "content").send_keys("工业园区排口夜间仍有异味 & “黑水”")
        form.find_element(By.NAME, "contact").send_keys("13800001111")
        self.click_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("已收到您对第", self.text())
        self.assertNotIn("13800001111", self.text())
        self.shot("20-public-objection", full=False)
        # The office hears of it and sees the contact on the task page.
        self.login("office")
        self.go("/notifications")
        self.assertIn("公示期间收到网上异议", self.text())
        self.shot("21-notifications-office")
        self.click_and_wait(self.d.find_element(By.XPATH, "//ul[@class='inbox']//button[contains(., '网上异议')]"))
        self.assertIn("13800001111", self.text())
        self.logout()
        # A leader's one screen; a unit's queue.
        self.login("leader")
        self.assertIn("红灯任务", self.text())
        self.shot("22-leader-home")
        self.logout()
        self.login("unit")
        self.assertIn("待认领", self.text())
        self.shot("23-unit-home")
        self.logout()


    def test_7_each_level_has_its_own_ledger_and_splits_further(self):
        # The city office: the parts split to 盘锦, labelled with where they came from.
        self.login("panjin")
        self.go("/ledger")
        body = self.text()
        self.assertIn("由辽宁省分解", body)
        self.assertIn("滨海湿地修复和岸线整治(盘锦市)", body)
        self.assertNotIn("滨海湿地修复和岸线整治(葫芦岛市)", body)
        self.shot("24-city-ledger")
        self.click_and_wait(self.d.find_element(By.PARTIAL_LINK_TEXT, "滨海湿地修复和岸线整治(盘锦市)"))
        page = self.text()
        self.assertIn("分解自", page)
        self.assertIn("分解的子任务(1 项", page)
        # It splits its part once more, to a county unit of its own.
        form = self.d.find_element(By.XPATH, "//form[.//h3[text()='分解给下级地区或单位']]")
        Select(form.find_element(By.NAME, "responsible")).select_by_visible_text("盘山县 盘山县环境保护局")
        self.set_value("split-deadline", "2018-11-30")
        self.set_value("split-title", "浏览器测试:盘山县滨海湿地修复")
        self.click_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("已分解子任务", self.flash())
        self.assertIn("分解的子任务(2 项", self.text())
        self.assertIn("浏览器测试:盘山县滨海湿地修复", self.text())
        self.shot("25-city-part")
        self.logout()
        # The county office sees its own; the province's task and the other city are hidden from it.
        self.login("panshan")
        self.go("/ledger")
        body = self.text()
        self.assertIn("浏览器测试:盘山县滨海湿地修复", body)
        table = self.d.find_element(By.CSS_SELECTOR, "table.ledger").text
        self.assertNotIn("(葫芦岛市)", table)
        self.assertNotIn("省级任务", table)
        self.assertTrue(all("由盘锦市分解" in row.text for row in self.d.find_elements(By.CSS_SELECTOR, "table.ledger tbody tr")))
        self.logout()
        # The province sets out its acceptance chain.
        self.login("office")
        self.go("/inspections/1/acceptance-chain")
        self.assertIn("县级初验 → 市级验收 → 省级验收销号", self.text())
        self.shot("26-acceptance-chain")
        self.logout()

    def test_8_indicators_charts_an_entered_value_and_the_plans_changes(self):
        # The province's indicators: a chart each, the cities side by side, a value entered.
        self.login("office")
        self.go("/indicators")
        body = self.text()
        self.assertIn("PM2.5年均浓度", body)
        self.assertIn("下一级地区", body)
        self.assertIn("葫芦岛市", body)
        self.assertGreaterEqual(len(self.d.find_elements(By.CSS_SELECTOR, "svg.chart")), 2)
        form = self.d.find_element(By.XPATH, "//form[.//button[normalize-space(text())='保存']][.//select[@name='indicatorID']]")
        Select(form.find_element(By.NAME, "indicatorID")).select_by_visible_text("PM2.5年均浓度(微克/立方米)")
        Select(form.find_element(By.NAME, "regionCode")).select_by_visible_text("辽宁省")
        self.set_value("value-value", "50毫克/立方米")
        self.click_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("单位是“微克/立方米”", self.text())
        form = self.d.find_element(By.XPATH, "//form[.//select[@name='indicatorID']][.//input[@name='value']]")
        self.set_value("value-value", "38.5")
        self.click_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("监测值已保存", self.flash())
        self.shot("27-indicators")
        # The plan as approved, and the splits made since.
        self.go("/inspections/1/plans")
        page = self.text()
        self.assertIn("第 1 版", page)
        self.assertIn("分解", page)
        self.shot("28-plan")
        self.logout()
        # The public reads the published indicators of 乌海.
        self.go("/public")
        self.click_and_wait(self.d.find_element(By.PARTIAL_LINK_TEXT, "乌海"))
        self.click_and_wait(self.d.find_element(By.LINK_TEXT, "目标指标完成情况"))
        page = self.text()
        self.assertIn("优良天数比率", page)
        self.assertRegex(page, r"乌海市PM2\.5年均浓度为[0-9.]+微克/立方米")
        self.shot("29-public-indicators")

if __name__ == "__main__":
    unittest.main(verbosity=2)
