"""The course's data model: the canonical tables every notebook and helper works on.

Each table is described once, here, as data: its columns, their types, what they mean (in English
and Chinese), which are required, which hold personal data. The loader validates against these
definitions, the generator produces them, the privacy helpers read the ``personal`` marks, and
``datasets/README.md`` (the data dictionary) is written from them by :func:`data_dictionary`.

Types used in ``Column.dtype``:

``string``    free text or an identifier
``category``  one of ``Column.allowed``
``int``       whole number (nullable)
``float``     decimal number
``bool``      true/false
``date``      calendar date, read into ``datetime64`` at midnight
``datetime``  date and time
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.i18n import tr

__all__ = [
    "Column",
    "Table",
    "TABLES",
    "LATENT_COLUMNS",
    "table",
    "data_dictionary",
    "personal_columns",
]


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    Parameters
    ----------
    name : str
        Canonical (English, snake_case) name used throughout the course.
    dtype : str
        One of ``string, category, int, float, bool, date, datetime``.
    description : str
        What the column means, in one sentence.
    zh : str
        The usual Chinese header for this column in a CRM export (also accepted by the loader).
    required : bool
        A file mapped to this table must provide the column.
    personal : str or None
        Kind of personal data (``name, phone, email, id_number, address``); such columns are
        masked in anything the package writes or displays unless the caller opts in.
    allowed : tuple of str
        Allowed values for ``category`` columns.
    min_value : float or None
        Smallest valid value for numeric columns (inclusive).
    """

    name: str
    dtype: str
    description: str
    zh: str
    required: bool = True
    personal: str | None = None
    allowed: tuple[str, ...] = ()
    min_value: float | None = None


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, key and meaning."""

    name: str
    zh: str
    description: str
    key: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        """Column names in canonical order."""
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        """Names of the columns a file must provide."""
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        """Return the column called ``name`` (canonical name)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}; columns are {self.names}")


C = Column

CUSTOMER_TYPES = (
    "loyal",
    "occasional",
    "new",
    "lapsed",
    "bargain_hunter",
    "high_value_org",
    "chronic_late_payer",
)

CUSTOMERS = Table(
    name="customers",
    zh="客户",
    description="One row per customer, individual or organisation, with the attribute groups a "
    "sales team collects: basic facts, family and career (individuals); industry, size, credit "
    "rating and key contact (organisations); acquisition channel; attitude and needs where known.",
    key="customer_id",
    columns=(
        C("customer_id", "string", "Customer identifier, unique.", "客户编号"),
        C("customer_kind", "category", "Individual person or organisation.", "客户类别",
          allowed=("individual", "organisation")),
        C("name", "string", "Person's or organisation's name.", "客户名称", personal="name"),
        C("gender", "category", "Gender (individuals).", "性别", required=False,
          allowed=("F", "M")),
        C("birth_year", "int", "Year of birth (individuals).", "出生年份", required=False,
          min_value=1900),
        C("marital_status", "category", "Marital status (individuals).", "婚姻状况",
          required=False, allowed=("single", "married", "divorced", "widowed")),
        C("children", "int", "Number of children (individuals).", "子女数", required=False,
          min_value=0),
        C("occupation", "string", "Occupation (individuals).", "职业", required=False),
        C("employer", "string", "Employer's name (individuals): with city and job it identifies "
          "the person, so it is masked like a name.", "工作单位", required=False,
          personal="name"),
        C("income_band", "category", "Household income band (individuals).", "收入档次",
          required=False, allowed=("low", "lower_middle", "middle", "upper_middle", "high")),
        C("phone", "string", "Main phone number, normalised to digits (mobile: 11 digits).",
          "联系电话", required=False, personal="phone"),
        C("email", "string", "E-mail address.", "电子邮箱", required=False, personal="email"),
        C("id_number", "string", "Resident ID number (individuals) or unified social credit "
          "code (organisations).", "证件号码", required=False, personal="id_number"),
        C("city", "string", "City.", "城市", required=False),
        C("province", "string", "Province or municipality.", "省份", required=False),
        C("industry", "string", "Industry (organisations).", "所属行业", required=False),
        C("employees", "int", "Number of employees (organisations).", "员工人数",
          required=False, min_value=0),
        C("credit_rating", "category", "Credit rating given by the finance team "
          "(organisations).", "信用等级", required=False,
          allowed=("AAA", "AA", "A", "BBB", "BB", "B", "C")),
        C("key_contact", "string", "Main contact person at the organisation.", "主要联系人",
          required=False, personal="name"),
        C("key_contact_title", "string", "Job title of the main contact (e.g. purchasing "
          "manager).", "联系人职务", required=False),
        C("outlet_format", "category", "Store format, for retail-outlet customers.", "业态",
          required=False, allowed=("supermarket", "convenience", "grocery", "rural_store")),
        C("acquisition_channel", "category", "How the customer was first acquired.",
          "获客渠道", required=False,
          allowed=("store", "website", "referral", "telemarketing", "trade_show",
                   "marketplace", "search_engine")),
        C("signup_date", "date", "Date the customer record was created.", "建档日期"),
        C("attitude", "category", "Attitude towards the company, as recorded by sales "
          "(positive / neutral / negative).", "客户态度", required=False,
          allowed=("positive", "neutral", "negative")),
        C("need_type", "category", "Standard or personalised needs.", "需求类型",
          required=False, allowed=("standard", "personalised")),
        C("price_orientation", "category", "Seeks the lowest price or the best quality.",
          "价格/品质导向", required=False, allowed=("price", "quality")),
        C("risk_style", "category", "Psychographic style: adventurous or conservative.",
          "心理特征", required=False, allowed=("adventurous", "conservative")),
        C("consent_marketing", "bool", "Customer agreed to be contacted for marketing.",
          "营销许可", required=False),
        C("last_updated", "date", "Date the record was last checked or updated.",
          "资料更新日期", required=False),
        C("true_type", "category", "Latent customer type used to simulate the data "
          "(known only in the bundled data; lessons may hide it).", "真实类型(模拟)",
          required=False, allowed=CUSTOMER_TYPES),
    ),
)

TRANSACTIONS = Table(
    name="transactions",
    zh="交易明细",
    description="One row per purchase (or return) by a customer.",
    key="transaction_id",
    columns=(
        C("transaction_id", "string", "Transaction (order line) identifier, unique; the loader "
          "numbers the rows when a file has none.", "交易编号"),
        C("order_id", "string", "Order or invoice number; one order may have several lines.",
          "订单号", required=False),
        C("customer_id", "string", "Customer who bought.", "客户编号"),
        C("purchase_date", "datetime", "Date and time of the purchase.", "交易时间"),
        C("quantity", "int", "Units bought (negative for a return).", "数量", required=False),
        C("amount", "float", "Revenue after discount, in CNY (negative for a return).",
          "金额"),
        C("discount", "float", "Discount given, in CNY.", "折扣金额", required=False,
          min_value=0),
        C("cost", "float", "Cost of goods sold, in CNY (negative for a return).", "成本",
          required=False),
        C("product_category", "string", "Product category.", "产品类别", required=False),
        C("sales_channel", "category", "Where the sale was made.", "销售渠道",
          required=False, allowed=("store", "online", "phone", "field_sales")),
        C("is_return", "bool", "The row is a return or cancellation.", "是否退货",
          required=False),
    ),
)

INVOICES = Table(
    name="invoices",
    zh="应收账款",
    description="One row per invoice issued on credit, with its due date; payments are in the "
    "payments table.",
    key="invoice_id",
    columns=(
        C("invoice_id", "string", "Invoice number, unique.", "发票号"),
        C("customer_id", "string", "Customer who owes the invoice.", "客户编号"),
        C("issue_date", "date", "Date the invoice was issued.", "开票日期"),
        C("due_date", "date", "Date payment is due.", "到期日"),
        C("amount", "float", "Amount invoiced, in ``currency``.", "发票金额", min_value=0.01),
        C("currency", "category", "Currency of the invoice.", "币种", required=False,
          allowed=("CNY", "USD", "EUR", "HKD")),
    ),
)

PAYMENTS = Table(
    name="payments",
    zh="回款记录",
    description="One row per payment received against an invoice (partial payments allowed).",
    key="payment_id",
    columns=(
        C("payment_id", "string", "Payment identifier, unique.", "回款编号"),
        C("invoice_id", "string", "Invoice the payment settles (in part or in full).", "发票号"),
        C("customer_id", "string", "Customer who paid.", "客户编号"),
        C("payment_date", "date", "Date the money arrived.", "回款日期"),
        C("amount", "float", "Amount paid.", "回款金额", min_value=0.01),
        C("method", "category", "Payment method.", "付款方式", required=False,
          allowed=("bank_transfer", "card", "cash", "cheque")),
    ),
)

AGENTS = Table(
    name="agents",
    zh="坐席",
    description="One row per telephone agent or collector.",
    key="agent_id",
    columns=(
        C("agent_id", "string", "Agent identifier, unique.", "坐席编号"),
        C("name", "string", "Agent's name.", "坐席姓名", required=False, personal="name"),
        C("team", "string", "Team the agent belongs to.", "所属团队"),
        C("role", "category", "Sales agent or collector.", "岗位", required=False,
          allowed=("sales", "collection", "service")),
        C("hire_date", "date", "Date the agent joined.", "入职日期", required=False),
    ),
)

CALLS = Table(
    name="calls",
    zh="通话记录",
    description="One row per outbound or inbound telephone call, answered or not.",
    key="call_id",
    columns=(
        C("call_id", "string", "Call identifier, unique.", "通话编号"),
        C("customer_id", "string", "Customer called (empty for calls to a lead).", "客户编号",
          required=False),
        C("lead_id", "string", "Lead called (empty for calls to a customer).", "线索编号",
          required=False),
        C("agent_id", "string", "Agent who made or took the call.", "坐席编号"),
        C("started_at", "datetime", "When the call started (dialling).", "开始时间"),
        C("ended_at", "datetime", "When the call ended.", "结束时间", required=False),
        C("duration_s", "int", "Talk time in seconds (0 when not answered).", "通话时长(秒)",
          min_value=0),
        C("answered", "bool", "The customer picked up.", "是否接通"),
        C("outcome", "category", "Result of the call.", "通话结果",
          allowed=("no_answer", "refused", "callback_requested", "not_interested",
                   "interested", "sale", "promise_to_pay", "paid", "wrong_number")),
        C("purpose", "category", "Why the call was made.", "通话目的", required=False,
          allowed=("sales", "collection", "service")),
        C("direction", "category", "Outbound (we called) or inbound (they called).", "呼叫方向",
          required=False, allowed=("outbound", "inbound")),
        C("script_variant", "category", "Call-script variant used (A/B test).", "话术版本",
          required=False, allowed=("A", "B")),
    ),
)

LEADS = Table(
    name="leads",
    zh="销售线索",
    description="One row per B2B sales lead, with its source and how detailed the inquiry was.",
    key="lead_id",
    columns=(
        C("lead_id", "string", "Lead identifier, unique.", "线索编号"),
        C("company", "string", "Prospect company's name.", "公司名称"),
        C("contact_name", "string", "Contact person.", "联系人", required=False,
          personal="name"),
        C("phone", "string", "Contact phone.", "联系电话", required=False, personal="phone"),
        C("region", "string", "Market region (North America, Europe, Southeast Asia …).",
          "市场区域", required=False),
        C("source", "category", "Where the lead came from.", "线索来源",
          allowed=("trade_show", "detailed_inquiry", "price_only_inquiry", "search_engine")),
        C("has_specs", "bool", "Inquiry states detailed product specifications.", "含规格",
          required=False),
        C("has_quantity", "bool", "Inquiry states a quantity.", "含数量", required=False),
        C("has_payment_terms", "bool", "Inquiry states payment terms.", "含付款条件",
          required=False),
        C("has_delivery_date", "bool", "Inquiry states a delivery date.", "含交货期",
          required=False),
        C("employees", "int", "Prospect's number of employees, if known.", "员工人数",
          required=False, min_value=0),
        C("created_date", "date", "Date the lead was recorded.", "登记日期"),
        C("converted", "bool", "The lead placed an order within 180 days.", "是否成交",
          required=False),
        C("true_grade", "category", "Latent lead quality used to simulate the data.",
          "真实等级(模拟)", required=False, allowed=("A", "B", "C")),
    ),
)

SERVICE_CONTACTS = Table(
    name="service_contacts",
    zh="服务记录",
    description="One row per service contact or complaint; the basis of cost-to-serve.",
    key="contact_id",
    columns=(
        C("contact_id", "string", "Contact identifier, unique.", "服务编号"),
        C("customer_id", "string", "Customer served.", "客户编号"),
        C("contacted_at", "datetime", "When the contact happened.", "服务时间"),
        C("kind", "category", "What the contact was about.", "服务类型",
          allowed=("inquiry", "complaint", "return_request", "technical_support")),
        C("channel", "category", "How the customer reached us.", "服务渠道", required=False,
          allowed=("phone", "email", "chat", "visit")),
        C("minutes", "float", "Staff minutes spent.", "处理时长(分钟)", min_value=0),
        C("resolved", "bool", "Resolved at first contact.", "是否解决", required=False),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (CUSTOMERS, TRANSACTIONS, INVOICES, PAYMENTS, AGENTS, CALLS, LEADS, SERVICE_CONTACTS)
}

#: Columns that hold the simulation's hidden truth; lessons hide them, tests use them.
LATENT_COLUMNS = {"customers": ["true_type"], "leads": ["true_grade"]}


def table(name: str) -> Table:
    """Return the canonical table called ``name``.

    Raises
    ------
    KeyError
        With the list of known tables, if ``name`` is not one of them.
    """
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; the course's tables are {sorted(TABLES)}") from None


def personal_columns(name: str) -> dict[str, str]:
    """Map each personal-data column of table ``name`` to its kind (``name``, ``phone`` …)."""
    return {c.name: c.personal for c in table(name).columns if c.personal}


def data_dictionary(name: str | None = None) -> pd.DataFrame:
    """The data dictionary as a table: one row per column of one table (or of all tables).

    Examples
    --------
    >>> data_dictionary("payments").loc[0, "column"]
    'payment_id'
    """
    names = [name] if name else list(TABLES)
    rows = []
    for n in names:
        t = table(n)
        for c in t.columns:
            rows.append(
                {
                    "table": t.name,
                    "column": c.name,
                    "中文": c.zh,
                    "type": c.dtype,
                    "required": c.required,
                    "personal": c.personal or "",
                    "allowed / min": ", ".join(c.allowed)
                    if c.allowed
                    else ("" if c.min_value is None else f">= {c.min_value:g}"),
                    "meaning": tr(c.description),  # Chinese in the Chinese edition
                }
            )
    return pd.DataFrame(rows)
