"""The table `make bench` prints at the end (see run.py)."""


def _mark(figures):
    return {True: "✔", False: "✘"}.get(figures.get("target_met"), " ")


def summary(results):
    """The table printed at the end: every figure with its target, met (✔) or not (✘)."""
    lines = [f"Machine : {results['machine']} ; données : {results['data']}", ""]
    pages = results.get("pages", {})
    if pages:
        trivial = pages["trivial"]
        lines.append(f"Page triviale : p50 {trivial['p50_ms']} ms, p95 {trivial['p95_ms']} ms")
        for name, figures in pages.items():
            if "p95_ratio" in figures:
                twice = (
                    f"  | ×2 données : p95 {figures['p95_ms_x2']:>7} ms  "
                    f"×{figures['p95_ratio_x2']:<5} requêtes {figures['queries_x2']}"
                    if "p95_ratio_x2" in figures
                    else ""
                )
                lines.append(
                    f"{_mark(figures)} {name:<34} p50 {figures['p50_ms']:>7} ms  "
                    f"p95 {figures['p95_ms']:>7} ms (plancher {figures.get('floor_p95_ms', '—')})"
                    f"  ×{figures['p95_ratio']:<5} "
                    f"requêtes {figures['queries']} (démo : {figures['queries_demo_data']})" + twice
                )
            elif "median_ms" in figures:
                twice = results.get("pages_x2", {}).get(name, {})
                doubled = (
                    f" (×2 données : {twice['median_ms']} ms, {twice['queries']} requêtes)"
                    if "median_ms" in twice
                    else ""
                )
                lines.append(
                    f"{_mark(figures)} {name:<24} {figures['median_ms']} ms,"
                    f" {figures['queries']} requêtes{doubled} — {figures['target']}"
                )
        if "pages_x2" in results:
            trivial = results["pages_x2"]["trivial"]
            lines.append(
                f"Données ×2 ({results['data_x2']}) : page triviale p50 {trivial['p50_ms']} ms,"
                f" p95 {trivial['p95_ms']} ms"
            )
        lines.append(
            "  cible : p95 ≤ 5 × la page triviale aux deux tailles (×2 : au plus 10 % au-dessus"
            " du ratio national) ; requêtes égales aux deux tailles, à ±2 de la démo"
        )
    if "import" in results:
        figures = results["import"]
        lines.append(
            f"{_mark(figures)} import de {figures['rows']} lignes : {figures['seconds']} s, "
            f"×{figures['ratio']} un bulk_create nu ({figures['bare_bulk_create_s']} s)"
            f" — cible {figures['target']}"
        )
    if "sirene" in results:
        figures = results["sirene"]
        for size in ("10000", "100000"):
            row = figures[size]
            lines.append(
                f"  SIRENE {size} lignes ({row['kept']} retenues) : {row['seconds']} s, "
                f"×{row['ratio']} la lecture nue ; mémoire {row['peak_mb']} Mo "
                f"(×{row['memory_ratio_to_bare']} la lecture nue)"
            )
        lines.append(
            f"{_mark(figures)} SIRENE : mémoire 100 000 / 10 000 = "
            f"×{figures['memory_ratio_100k_10k']} — cible {figures['target']}"
        )
    if "report" in results:
        figures = results["report"]
        lines.append(
            f"{_mark(figures)} rapport : {figures['seconds']} s, {figures['peak_mb']} Mo, "
            f"{figures['queries']} requêtes (PDF {figures['pdf_kb']} Ko, annexe "
            f"{figures['xlsx_kb']} Ko) — cible ≤ 15 s et ≤ 400 Mo"
        )
    if "research" in results:
        figures = results["research"]
        lines.append(
            f"{_mark(figures)} export pour la recherche : {figures['seconds']} s, "
            f"{figures['peak_mb']} Mo, {figures['queries']} requêtes (fichiers "
            f"{figures['files_mb']} Mo) — cible < 30 s et ≤ 400 Mo"
        )
    return "\n".join(lines)
