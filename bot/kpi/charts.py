"""PNG bar charts for digests (matplotlib, Agg backend: no display needed).

Chinese names need a CJK font. When none is installed (check `fc-list :lang=zh`), bars are
labelled with the person's email name or Slack id instead, so the chart stays readable
rather than showing empty boxes."""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt

from storage.models.core import User

MAX_BARS = 30
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "AR PL UMing CN")  # fmt: skip


@cache
def cjk_font() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def bar_label(user: User) -> str:
    if user.name.isascii() or cjk_font():
        return user.name
    if user.email:
        return user.email.split("@")[0]
    return user.slack_id


def attainment_chart(rows: list[tuple[User, float]], title: str) -> bytes:
    """Horizontal bars of composite attainment, best at the top, with a 100% line."""
    rows = rows[:MAX_BARS]
    font = cjk_font()
    params = {"font.family": [font, "DejaVu Sans"]} if font else {}
    with plt.rc_context(params):
        fig, ax = plt.subplots(figsize=(7, 1 + 0.35 * max(1, len(rows))), dpi=100)
        try:
            names = [bar_label(u) for u, _ in rows][::-1]
            values = [score * 100 for _, score in rows][::-1]
            colors = [
                "#2a9d8f" if v >= 100 else "#e9c46a" if v >= 70 else "#e76f51" for v in values
            ]
            ax.barh(names, values, color=colors)
            ax.axvline(100, color="#264653", linewidth=1, linestyle="--")
            for y, v in enumerate(values):
                ax.text(v + 1, y, f"{v:.1f}%", va="center", fontsize=8)
            ax.set_xlim(0, max(160, max(values, default=0) + 15))
            ax.set_xlabel("%")
            ax.set_title(
                title if title.isascii() or font else title.encode("ascii", "replace").decode()
            )
            fig.tight_layout()
            out = io.BytesIO()
            fig.savefig(out, format="png")
            return out.getvalue()
        finally:
            plt.close(fig)
