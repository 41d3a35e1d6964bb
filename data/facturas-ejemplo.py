"""Exportación de facturación inventada de la empresa del ejemplo (enero a marzo de 2024).

Son datos de ejemplo, como todos los reales del sitio: unos 300 clientes con
planes mensuales y anuales, subidas y bajadas de plan, bajas, una
reactivación, una factura rectificativa y cuotas de alta. A un cliente con
precio pactado se le factura lo que deja el MRR de cada mes en las cifras del
ejemplo (ARR de 96.000, 240.000 y 455.000).
Desde la carpeta del sitio: python3 data/facturas-ejemplo.py > data/facturas-ejemplo.csv
"""
import random
from datetime import date
from decimal import Decimal, ROUND_HALF_UP

random.seed(2024)
PRICES = {"basico": Decimal("49"), "profesional": Decimal("129"), "empresa": Decimal("299")}
ANNUAL = Decimal("0.85")
END = date(2024, 4, 1)  # la exportación: todo lo facturado hasta el 31 de marzo


def add_months(d, k):
    m = d.month - 1 + k
    y = d.year + m // 12
    m = m % 12 + 1
    last = [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return date(y, m, min(d.day, last))


def money(x):
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


lines = []
invoice = [0]


def line(customer, kind, start, end, amount):
    invoice[0] += 1
    lines.append((customer, f"F-2024-{invoice[0]:05d}", kind, start, end, money(amount)))


class Customer:
    def __init__(self, cid, start, plan, annual):
        self.cid, self.start, self.plan, self.annual = cid, start, plan, annual
        self.changes = {}  # número de periodo -> plan nuevo
        self.stop = None  # primer periodo que ya no se factura

    def bill(self):
        if self.plan == "empresa":
            # Cuota de alta: cobro puntual, nunca MRR.
            end = date.fromordinal(self.start.toordinal() + 1)
            line(self.cid, "one_time", self.start, end, Decimal("500"))
        step = 12 if self.annual else 1
        k, plan = 0, self.plan
        while True:
            s = add_months(self.start, k)
            if s >= END or (self.stop is not None and k >= self.stop):
                break
            plan = self.changes.get(k, plan)
            price = PRICES[plan] * (ANNUAL * 12 if self.annual else 1)
            line(self.cid, "subscription", s, add_months(self.start, k + step), price)
            k += step


def day_in(month):
    return date(2024, month, random.randint(1, 28))


customers = []
n = 0


def new(month, count, mix, annual_share):
    global n
    out = []
    for _ in range(count):
        n += 1
        plan = random.choices(list(PRICES), weights=mix)[0]
        c = Customer(f"C{n:04d}", day_in(month), plan, random.random() < annual_share)
        customers.append(c)
        out.append(c)
    return out


jan = new(1, 81, [62, 30, 8], 0.10)
feb = new(2, 94, [40, 48, 12], 0.12)
mar = new(3, 110, [14, 54, 32], 0.15)
monthly = lambda cs: [c for c in cs if not c.annual]
# Bajas: clientes mensuales de enero que dejan de pagar tras uno o dos periodos.
for c in random.sample(monthly(jan), 6):
    c.stop = 1  # solo se factura enero: a finales de febrero ya no paga
for c in random.sample([c for c in monthly(jan) if c.stop is None], 3):
    c.stop = 2  # a finales de marzo ya no paga
for c in random.sample(monthly(feb), 3):
    c.stop = 1
# Subidas y bajadas de plan al renovar.
basic = [c for c in monthly(jan) if c.plan == "basico" and c.stop is None]
for c in random.sample(basic, 6):
    c.changes[1] = "profesional"
for c in random.sample([c for c in basic if not c.changes], 4):
    c.changes[2] = "profesional"
pro = [c for c in monthly(jan + feb) if c.plan == "profesional" and c.stop is None]
for c in random.sample(pro, 3):
    c.changes[1] = "basico"
for c in customers:
    c.bill()

# Una reactivación: un cliente que se fue en febrero vuelve en marzo.
gone = sorted((c for c in jan if c.stop == 1), key=lambda c: c.cid)[0]
back = date(2024, 3, 12)
line(gone.cid, "subscription", back, add_months(back, 1), PRICES[gone.plan])
# Una rectificativa: se devuelve a un cliente la mitad de marzo tras una caída del servicio.
hurt = sorted((c for c in monthly(jan) if c.stop is None and c.plan == "profesional"), key=lambda c: c.cid)[0]
line(hurt.cid, "subscription", add_months(hurt.start, 2), add_months(hurt.start, 3), -PRICES["profesional"] / 2)


def mrr_at(month_end):
    per = {}
    for cid, inv, kind, s, e, amount in lines:
        if kind != "subscription" or not (s <= month_end < e):
            continue
        months = next((k for k in (1, 3, 6, 12) if add_months(s, k) == e), None)
        value = amount / months if months else amount / (Decimal(e.toordinal() - s.toordinal()) / (Decimal("365.25") / 12))
        per[cid] = per.get(cid, Decimal(0)) + value
    return {c: money(v) for c, v in per.items()}


# El cliente con precio pactado: cada mes se le factura lo que lleva el MRR
# a la cifra del ejemplo.
goal = {1: Decimal("8000.00"), 2: Decimal("20000.00"), 3: money(Decimal("455000") / 12)}
ends = {1: date(2024, 1, 31), 2: date(2024, 2, 29), 3: date(2024, 3, 31)}
deal = "C0000"
for m in (1, 2, 3):
    now = mrr_at(ends[m])
    rest = goal[m] - sum(now.values())
    assert 300 < rest < 4000, (m, rest, len([v for v in now.values() if v > 0]))
    line(deal, "subscription", date(2024, m, 1), add_months(date(2024, m, 1), 1), rest)
lines.sort(key=lambda l: (l[3], l[0], l[1]))
print("cliente;factura;tipo;inicio_servicio;fin_servicio;importe;moneda")
for cid, inv, kind, s, e, amount in lines:
    text = f"{amount:.2f}".replace(".", ",")
    print(f"{cid};{inv};{kind};{s};{e};{text};USD")
