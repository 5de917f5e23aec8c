/* Even Better — charts drawn from JSON embedded in the page.
 *
 * Plain ES2017, no build step, no modules, no eval, no inline script: safe
 * under a strict Content-Security-Policy. Load it after the vendored Chart.js:
 *
 *   <script defer src="{% static 'web/vendor/chart.umd.min.js' %}"></script>
 *   <script defer src="{% static 'web/charts.js' %}"></script>
 *
 * Markup, one chart:
 *
 *   <div class="chart">   (CSS: .chart { position: relative; height: 18rem; })
 *     <canvas data-chart="reading-chart">Fallback text or a table link</canvas>
 *   </div>
 *   {{ chart_data|json_script:"reading-chart" }}
 *
 * The canvas's parent sets the height (maintainAspectRatio is off); give it
 * only the canvas, and set the height in the stylesheet, not a style=""
 * attribute (a strict CSP blocks those). The JSON's
 * "kind" picks the chart: "benchmark" (a school over time against its group)
 * or "distribution" (a histogram of one indicator across a group of schools).
 * Bad or missing JSON leaves the canvas alone with one console warning.
 * After drawing, canvas.dataset.rendered is "true".
 *
 * The only global is window.EvenBetterCharts = {render: function (canvas)}.
 */
(function () {
  "use strict";

  var COLOURS = {
    ink: "#1b1f24",
    text: "#3d444d",
    grid: "#e3e7eb",
    school: "#0b4f9c",      // dark blue, 8.0:1 on white
    median: "#5f6670",      // grey, 5.8:1
    target: "#1d6b2f",      // green, 6.6:1
    standard: "#1b1f24",    // near black
    bandFill: "rgba(95, 122, 153, 0.20)",
    bandLine: "rgba(95, 122, 153, 0.55)",
    bar: "#c3ccd6",
    barLine: "#5f6b78",
    barHighlight: "#8db4e2",
    quartile: "#545c66",
  };

  var UNIT_WORDS = {
    "%": "Per cent",
    "£": "Pounds (£)",
    "score": "Score",
    "pupils": "Pupils",
    "days": "Days",
    "": "",
  };

  var SINGULAR = { pupils: "pupil", days: "day", schools: "school", teachers: "teacher" };

  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

  // ---------------------------------------------------------------- helpers

  function warn(message, canvas) {
    if (window.console && console.warn) {
      console.warn("EvenBetterCharts: " + message, canvas || "");
    }
  }

  function isNum(v) {
    return typeof v === "number" && isFinite(v);
  }

  function str(v, fallback) {
    return typeof v === "string" ? v : fallback;
  }

  // An array of numbers/nulls as long as `length`; anything else becomes null.
  function series(v, length) {
    var out = [];
    for (var i = 0; i < length; i++) {
      out.push(Array.isArray(v) && isNum(v[i]) ? v[i] : null);
    }
    return out;
  }

  function hasAny(values) {
    return values.some(isNum);
  }

  function clampDecimals(d, fallback) {
    if (isNum(d) && d >= 0) return Math.min(Math.round(d), 6);
    return fallback;
  }

  function defaultDecimals(unit) {
    return unit === "£" || unit === "pupils" ? 0 : 1;
  }

  var numberFormats = {};
  function numberFormat(minDigits, maxDigits) {
    var key = minDigits + ":" + maxDigits;
    if (!numberFormats[key]) {
      numberFormats[key] = new Intl.NumberFormat("en-GB", {
        minimumFractionDigits: minDigits,
        maximumFractionDigits: maxDigits,
      });
    }
    return numberFormats[key];
  }

  // The bare number, rounded to `decimals`; `trim` drops trailing zeros.
  function formatNumber(v, decimals, trim) {
    if (Number(v.toFixed(decimals)) === 0) v = 0; // no "-0.0"
    return numberFormat(trim ? 0 : decimals, decimals).format(v);
  }

  // 45.0%, £45,421, 2.3 (score or no unit), 12 pupils.
  function formatValue(v, unit, decimals, trim) {
    if (!isNum(v)) return "no data";
    var n = formatNumber(Math.abs(v), decimals, trim);
    var sign = v < 0 && Number(v.toFixed(decimals)) !== 0 ? "-" : "";
    if (unit === "%") return sign + n + "%";
    if (unit === "£") return sign + "£" + n;
    if (unit === "score" || unit === "") return sign + n;
    if (n === "1" && SINGULAR[unit]) return sign + n + " " + SINGULAR[unit];
    return sign + n + " " + unit;
  }

  // 3.0–3.5%, £40,000–£42,000, 2.0–2.5, 10–20 pupils; hi === lo gives one value.
  function formatRange(lo, hi, unit, decimals) {
    if (hi === lo) return formatValue(lo, unit, decimals);
    var to = lo < 0 || hi < 0 ? " to " : "–"; // "-7 to -6", not "-7–-6"
    if (unit === "£") return formatValue(lo, unit, decimals) + to + formatValue(hi, unit, decimals);
    var a = formatValue(lo, "", decimals);
    var b = formatValue(hi, "", decimals);
    if (unit === "%") return a + to + b + "%";
    if (unit === "score" || unit === "") return a + to + b;
    return a + to + b + " " + unit;
  }

  function unitWords(unit) {
    if (Object.prototype.hasOwnProperty.call(UNIT_WORDS, unit)) return UNIT_WORDS[unit];
    return unit.charAt(0).toUpperCase() + unit.slice(1);
  }

  function readData(canvas) {
    var id = canvas.getAttribute("data-chart");
    if (!id) {
      warn("canvas has an empty data-chart attribute", canvas);
      return null;
    }
    var holder = document.getElementById(id);
    if (!holder) {
      warn('no element with id "' + id + '" holds the chart data', canvas);
      return null;
    }
    var data;
    try {
      data = JSON.parse(holder.textContent);
    } catch (err) {
      warn('chart data in #' + id + " is not valid JSON (" + err.message + ")", canvas);
      return null;
    }
    if (!data || typeof data !== "object" || Array.isArray(data)) {
      warn("chart data in #" + id + " is not a JSON object", canvas);
      return null;
    }
    return data;
  }

  function baseOptions(title) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: { top: 4, right: 16, bottom: 0, left: 4 } },
      plugins: {
        title: {
          display: Boolean(title),
          text: title,
          color: COLOURS.ink,
          font: { size: 14, weight: "600" },
          padding: { top: 0, bottom: 8 },
        },
        legend: {
          position: "bottom",
          labels: {
            color: COLOURS.text,
            font: { size: 11 },
            boxWidth: 28,
            boxHeight: 10,
            padding: 10,
            usePointStyle: true,
            pointStyleWidth: 28,
          },
        },
        tooltip: {
          backgroundColor: "rgba(27, 31, 36, 0.92)",
          titleFont: { size: 12 },
          bodyFont: { size: 12 },
        },
      },
    };
  }

  // ------------------------------------------------------------ benchmark

  function benchmarkConfig(data, canvas) {
    if (!Array.isArray(data.periods) || data.periods.length === 0) {
      warn('benchmark chart data needs a non-empty "periods" array', canvas);
      return null;
    }
    var periods = data.periods.map(function (p) { return String(p); });
    var n = periods.length;
    var unit = str(data.unit, "");
    var decimals = clampDecimals(data.decimals, defaultDecimals(unit));
    var title = str(data.title, "");
    var fmt = function (v) { return formatValue(v, unit, decimals); };

    var school = series(data.school, n);
    var q1 = series(data.q1, n);
    var q3 = series(data.q3, n);
    var median = series(data.median, n);
    var target = series(data.target, n);
    var standard = series(data.standard, n);

    // One period: a line needs two points, so the comparison is drawn across the whole
    // width (blank periods either side) and the school's value sits in the middle.
    if (n === 1) {
      var across = function (values) { return [values[0], values[0], values[0]]; };
      periods = ["", periods[0], ""];
      n = 3;
      school = [null, school[0], null];
      q1 = across(q1);
      q3 = across(q3);
      median = across(median);
      target = across(target);
      standard = across(standard);
    }

    // Legend and tooltip order = array order; `order` puts the school on top.
    var datasets = [];
    var tooltipNames = [];
    function line(label, values, style, tooltipName) {
      datasets.push(Object.assign({
        type: "line",
        label: label,
        data: values,
        spanGaps: true,
        fill: false,
        tension: 0,
        pointRadius: 0,
        pointHoverRadius: 0,
        pointHitRadius: 6,
      }, style));
      tooltipNames.push(tooltipName || label);
      return datasets.length - 1;
    }

    if (hasAny(school)) {
      line(str(data.school_label, "This school"), school, {
        order: 0,
        borderColor: COLOURS.school,
        backgroundColor: COLOURS.school,
        borderWidth: 3,
        pointRadius: 4,
        pointHoverRadius: 6,
        pointBackgroundColor: COLOURS.school,
        pointBorderColor: "#ffffff",
        pointBorderWidth: 1.5,
      });
    }
    if (hasAny(target)) {
      line(str(data.target_label, "Target"), target, {
        order: 1,
        borderColor: COLOURS.target,
        backgroundColor: COLOURS.target,
        borderWidth: 2,
        borderDash: [7, 4],
      });
    }
    if (hasAny(standard)) {
      line(str(data.standard_label, "Standard"), standard, {
        order: 2,
        borderColor: COLOURS.standard,
        backgroundColor: COLOURS.standard,
        borderWidth: 1.5,
        borderDash: [2, 3],
      });
    }
    if (hasAny(median)) {
      line(str(data.median_label, "Median of similar schools"), median, {
        order: 3,
        borderColor: COLOURS.median,
        backgroundColor: COLOURS.median,
        borderWidth: 1.5,
      }, "Median");
    }
    var bandIndex = -1;
    var bandFloorIndex = -1;
    if (hasAny(q1) && hasAny(q3)) {
      bandIndex = line(str(data.band_label, "Middle half of similar schools"), q3, {
        order: 4,
        borderColor: COLOURS.bandLine,
        backgroundColor: COLOURS.bandFill,
        borderWidth: 1,
        fill: datasets.length + 1, // the q1 dataset, pushed next
      }, "Upper quartile");
      bandFloorIndex = line("Lower quartile", q1, {
        order: 5,
        borderColor: COLOURS.bandLine,
        backgroundColor: COLOURS.bandFill,
        borderWidth: 1,
      }, "Lower quartile");
    }
    if (datasets.length === 0) {
      warn("benchmark chart data has no values to draw", canvas);
      return null;
    }

    var yTitle = unitWords(unit);
    var direction = str(data.direction, "");
    if (direction === "higher" || direction === "lower") {
      yTitle = (yTitle ? yTitle + " " : "") + "(" + direction + " is better)";
      yTitle = yTitle.charAt(0).toUpperCase() + yTitle.slice(1);
    }

    var options = baseOptions(title);
    options.interaction = { mode: "index", intersect: false };
    options.scales = {
      x: {
        ticks: { color: COLOURS.text, font: { size: 11 } },
        grid: { color: COLOURS.grid },
      },
      y: {
        grace: "5%",
        title: { display: Boolean(yTitle), text: yTitle, color: COLOURS.text, font: { size: 11 } },
        ticks: {
          color: COLOURS.text,
          font: { size: 11 },
          precision: decimals,
          // The unit's words are in the axis title; ticks keep only % and £.
          callback: function (value) {
            return formatValue(value, unit === "%" || unit === "£" ? unit : "", decimals, true);
          },
        },
        grid: { color: COLOURS.grid },
      },
    };
    var legendLabels = options.plugins.legend.labels;
    legendLabels.filter = function (item) { return item.datasetIndex !== bandFloorIndex; };
    legendLabels.generateLabels = function (chart) {
      var items = window.Chart.defaults.plugins.legend.labels.generateLabels(chart);
      items.forEach(function (item) {
        // Draw each key from the line's own style, not its first point's.
        var ds = chart.data.datasets[item.datasetIndex];
        item.strokeStyle = ds.borderColor;
        item.fillStyle = ds.backgroundColor;
        item.lineWidth = item.datasetIndex === bandIndex ? 1 : ds.borderWidth;
        item.lineDash = ds.borderDash || [];
        item.pointStyle = item.datasetIndex === bandIndex ? "rect" : "line";
      });
      return items;
    };
    options.plugins.legend.onClick = function (event, item, legend) {
      var chart = legend.chart;
      var visible = !chart.isDatasetVisible(item.datasetIndex);
      chart.setDatasetVisibility(item.datasetIndex, visible);
      if (item.datasetIndex === bandIndex && bandFloorIndex >= 0) {
        chart.setDatasetVisibility(bandFloorIndex, visible);
      }
      chart.update();
    };
    options.plugins.tooltip.filter = function (item) { return isNum(item.parsed.y); };
    options.plugins.tooltip.callbacks = {
      label: function (item) {
        return tooltipNames[item.datasetIndex] + ": " + fmt(item.parsed.y);
      },
    };

    // A sentence for screen readers, from the latest period with a school value.
    var summary = title || "Chart";
    for (var i = n - 1; i >= 0; i--) {
      if (isNum(school[i])) {
        summary += ": " + str(data.school_label, "this school") + " " + fmt(school[i]) + " in " + periods[i];
        if (isNum(q1[i]) && isNum(q3[i])) {
          summary += "; " + str(data.band_label, "middle half of similar schools").toLowerCase() +
            " " + fmt(q1[i]) + " to " + fmt(q3[i]);
        }
        break;
      }
    }

    return {
      summary: summary + ".",
      config: { type: "line", data: { labels: periods, datasets: datasets }, options: options },
    };
  }

  // --------------------------------------------------------- distribution

  function decimalsOf(x) {
    var s = String(Number(x.toPrecision(12)));
    var dot = s.indexOf(".");
    if (s.indexOf("e-") >= 0) return Math.min(parseInt(s.split("e-")[1], 10), 6);
    return dot < 0 ? 0 : Math.min(s.length - dot - 1, 6);
  }

  // Equal-width bins with "nice" edges (steps of 1, 2, 2.5 or 5 x 10^k),
  // aiming for 12–20 bins (nearest to 15). Continuous data: bins are
  // [a, b) and the last one is closed. Whole-number data: steps are whole
  // numbers, the bin [a, b) holds a .. b - 1, so there may be fewer bins
  // when the range is small.
  function makeBins(lo, hi, integerData) {
    if (lo === hi) {
      var pad = integerData ? 2 : lo === 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    var magnitude = Math.pow(10, Math.floor(Math.log10((hi - lo) / 15)));
    var steps = integerData ? [1] : [];
    [0.1, 1, 10].forEach(function (scale) {
      [1, 2, 2.5, 5].forEach(function (m) {
        var step = Number((m * magnitude * scale).toPrecision(12));
        if (!integerData || (step >= 1 && step === Math.round(step))) steps.push(step);
      });
    });
    var best = null;
    steps.forEach(function (step) {
      var start = Math.floor(lo / step + 1e-9) * step;
      var count = integerData
        ? Math.floor((hi - start) / step + 1e-9) + 1
        : Math.max(1, Math.ceil((hi - start) / step - 1e-9));
      var miss = count < 12 ? 12 - count : count > 20 ? count - 20 : 0;
      var score = miss * 100 + Math.abs(count - 15);
      if (!best || score < best.score) best = { step: step, start: start, count: count, score: score };
    });
    var edges = [];
    for (var i = 0; i <= best.count; i++) {
      edges.push(Number((best.start + i * best.step).toPrecision(12)));
    }
    return { step: best.step, start: edges[0], count: best.count, edges: edges, integer: integerData };
  }

  function binOf(v, bins) {
    var i = Math.floor((v - bins.start) / bins.step + 1e-9);
    return Math.max(0, Math.min(bins.count - 1, i));
  }

  // Vertical marker lines over a histogram. Each mark: {value, label, colour,
  // width, dash}. Values are placed by interpolating within the bins.
  var markerPlugin = {
    id: "ebMarkers",
    beforeDatasetsDraw: function (chart, args, opts) {
      var band = opts && opts.band;
      if (!band) return;
      var area = chart.chartArea;
      var x1 = markerX(chart, opts.bins, band.from);
      var x2 = markerX(chart, opts.bins, band.to);
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = band.colour;
      ctx.fillRect(Math.min(x1, x2), area.top, Math.abs(x2 - x1), area.bottom - area.top);
      ctx.restore();
    },
    afterDatasetsDraw: function (chart, args, opts) {
      var marks = (opts && opts.marks) || [];
      if (!marks.length) return;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      var rowHeight = 15;
      var rows = []; // right-most x used in each label row
      ctx.save();
      // Lines first, in reverse so the first mark (the highlight) is on top.
      marks.slice().reverse().forEach(function (mark) {
        var x = markerX(chart, opts.bins, mark.value);
        ctx.beginPath();
        ctx.setLineDash(mark.dash || []);
        ctx.lineWidth = mark.width || 1.5;
        ctx.strokeStyle = mark.colour;
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
      });
      ctx.setLineDash([]);
      // Then labels left to right, dropping to a new row to avoid overlaps.
      ctx.font = "600 11px " + FONT;
      ctx.textBaseline = "top";
      marks.slice().sort(function (a, b) { return a.value - b.value; }).forEach(function (mark) {
        if (!mark.label) return;
        var x = markerX(chart, opts.bins, mark.value);
        var w = ctx.measureText(mark.label).width + 6;
        var left = x + 3 + w > area.right ? Math.max(area.left, x - 3 - w) : x + 3;
        var row = 0;
        while (row < rows.length && rows[row] > left - 2) row++;
        rows[row] = left + w;
        var y = area.top + 2 + row * rowHeight;
        ctx.fillStyle = "rgba(255, 255, 255, 0.88)";
        ctx.fillRect(left, y - 1, w, rowHeight - 2);
        ctx.fillStyle = mark.colour;
        ctx.fillText(mark.label, left + 3, y + 1);
      });
      ctx.restore();
    },
  };

  // With whole-number data a bin [a, a + step) holds a .. a + step - 1, so
  // each whole number owns the unit interval [v, v + 1) and is marked at its
  // middle: 17 pupils sits in the centre of the "17 pupils" bar.
  function markerX(chart, bins, value) {
    var scale = chart.scales.x;
    var width = (scale.right - scale.left) / bins.count;
    var f = (value - bins.start + (bins.integer ? 0.5 : 0)) / bins.step;
    f = Math.max(0, Math.min(bins.count, f));
    return scale.left + f * width;
  }

  function distributionConfig(data, canvas) {
    var values = Array.isArray(data.values) ? data.values.filter(isNum) : [];
    if (values.length === 0) {
      warn('distribution chart data needs a "values" array with at least one number', canvas);
      return null;
    }
    var unit = str(data.unit, "");
    var decimals = clampDecimals(data.decimals, defaultDecimals(unit));
    var title = str(data.title, "");
    var fmt = function (v) { return formatValue(v, unit, decimals); };
    var highlight = isNum(data.highlight) ? data.highlight : null;
    var highlightLabel = str(data.highlight_label, "Your school");
    var median = isNum(data.median) ? data.median : null;
    var q1 = isNum(data.q1) ? data.q1 : null;
    var q3 = isNum(data.q3) ? data.q3 : null;

    var all = values.concat([highlight, median, q1, q3].filter(isNum));
    var lo = Math.min.apply(null, all);
    var hi = Math.max.apply(null, all);
    var integerData = all.every(function (v) { return v === Math.round(v); });
    var bins = makeBins(lo, hi, integerData);
    var counts = [];
    var i;
    for (i = 0; i < bins.count; i++) counts.push(0);
    values.forEach(function (v) { counts[binOf(v, bins)] += 1; });
    var labelDecimals = decimalsOf(bins.step); // enough to tell the edges apart
    var labels = [];
    for (i = 0; i < bins.count; i++) {
      // Whole numbers: the bin [10, 15) is labelled "10–14".
      var top = integerData ? bins.edges[i + 1] - 1 : bins.edges[i + 1];
      labels.push(formatRange(bins.edges[i], top, unit, labelDecimals));
    }
    var highlightBin = highlight === null ? -1 : binOf(highlight, bins);
    var fills = counts.map(function (c, j) { return j === highlightBin ? COLOURS.barHighlight : COLOURS.bar; });
    var borders = counts.map(function (c, j) { return j === highlightBin ? COLOURS.school : COLOURS.barLine; });

    var marks = [];
    var legendItems = [];
    if (highlight !== null) {
      marks.push({ value: highlight, label: highlightLabel, colour: COLOURS.school, width: 3, dash: [] });
      legendItems.push({ text: highlightLabel + ": " + fmt(highlight), colour: COLOURS.school, width: 3, dash: [] });
    }
    if (median !== null) {
      marks.push({ value: median, label: "Median", colour: COLOURS.ink, width: 2, dash: [] });
      legendItems.push({ text: "Median: " + fmt(median), colour: COLOURS.ink, width: 2, dash: [] });
    }
    if (q1 !== null) marks.push({ value: q1, label: "Q1", colour: COLOURS.quartile, width: 1.5, dash: [5, 3] });
    if (q3 !== null) marks.push({ value: q3, label: "Q3", colour: COLOURS.quartile, width: 1.5, dash: [5, 3] });
    if (q1 !== null && q3 !== null) {
      legendItems.push({ text: "Middle half (Q1–Q3): " + fmt(q1) + " to " + fmt(q3), colour: COLOURS.quartile, width: 1.5, dash: [5, 3] });
    } else if (q1 !== null || q3 !== null) {
      var q = q1 !== null ? q1 : q3;
      legendItems.push({ text: (q1 !== null ? "Lower" : "Upper") + " quartile: " + fmt(q), colour: COLOURS.quartile, width: 1.5, dash: [5, 3] });
    }

    var options = baseOptions(title);
    options.interaction = { mode: "index", intersect: false };
    options.scales = {
      x: {
        offset: true,
        title: { display: Boolean(unitWords(unit)), text: unitWords(unit), color: COLOURS.text, font: { size: 11 } },
        ticks: { color: COLOURS.text, font: { size: 10 }, maxRotation: 60, autoSkip: true },
        grid: { display: false },
      },
      y: {
        beginAtZero: true,
        grace: "22%",
        title: { display: true, text: "Number of schools", color: COLOURS.text, font: { size: 11 } },
        ticks: { color: COLOURS.text, font: { size: 11 }, precision: 0 },
        grid: { color: COLOURS.grid },
      },
    };
    options.plugins.ebMarkers = {
      bins: bins,
      marks: marks,
      band: q1 !== null && q3 !== null ? { from: q1, to: q3, colour: "rgba(95, 122, 153, 0.10)" } : null,
    };
    options.plugins.legend.display = legendItems.length > 0;
    options.plugins.legend.labels.generateLabels = function () {
      return legendItems.map(function (item) {
        return {
          text: item.text,
          fillStyle: item.colour,
          strokeStyle: item.colour,
          lineWidth: item.width,
          lineDash: item.dash,
          pointStyle: "line",
          fontColor: COLOURS.text,
          hidden: false,
        };
      });
    };
    options.plugins.legend.onClick = function () {};
    options.plugins.tooltip.displayColors = false;
    options.plugins.tooltip.callbacks = {
      label: function (item) {
        var c = item.parsed.y;
        return c + (c === 1 ? " school" : " schools");
      },
      afterBody: function (items) {
        if (!items.length || items[0].dataIndex !== highlightBin) return "";
        return highlightLabel + ": " + fmt(highlight);
      },
    };

    var summary = (title || "Distribution") + ": " + values.length + (values.length === 1 ? " school" : " schools");
    if (median !== null) summary += ", median " + fmt(median);
    if (q1 !== null && q3 !== null) summary += ", middle half " + fmt(q1) + " to " + fmt(q3);
    if (highlight !== null) summary += "; " + highlightLabel + " " + fmt(highlight);

    return {
      summary: summary + ".",
      config: {
        type: "bar",
        data: {
          labels: labels,
          datasets: [{
            label: "Schools",
            data: counts,
            backgroundColor: fills,
            borderColor: borders,
            borderWidth: 1,
            barPercentage: 1,
            categoryPercentage: 1,
          }],
        },
        options: options,
        plugins: [markerPlugin],
      },
    };
  }

  // -------------------------------------------------------------- render

  var BUILDERS = { benchmark: benchmarkConfig, distribution: distributionConfig };

  function render(canvas) {
    try {
      if (!canvas || canvas.tagName !== "CANVAS") {
        warn("render() needs a <canvas> element", canvas);
        return null;
      }
      var Chart = window.Chart;
      if (typeof Chart !== "function") {
        warn("Chart.js is not loaded; include web/vendor/chart.umd.min.js before charts.js", canvas);
        return null;
      }
      var data = readData(canvas);
      if (!data) return null;
      var builder = Object.prototype.hasOwnProperty.call(BUILDERS, data.kind) ? BUILDERS[data.kind] : null;
      if (!builder) {
        warn('unknown chart kind "' + data.kind + '"', canvas);
        return null;
      }
      var built = builder(data, canvas);
      if (!built) return null;
      var old = Chart.getChart(canvas);
      if (old) old.destroy();
      Chart.defaults.font.family = FONT;
      Chart.defaults.color = COLOURS.text;
      var chart = new Chart(canvas, built.config);
      if (!canvas.hasAttribute("role")) canvas.setAttribute("role", "img");
      if (!canvas.hasAttribute("aria-label") || canvas.getAttribute("data-chart-label") === "auto") {
        canvas.setAttribute("aria-label", built.summary);
        canvas.setAttribute("data-chart-label", "auto");
      }
      canvas.dataset.rendered = "true";
      return chart;
    } catch (err) {
      warn("could not draw chart (" + (err && err.message) + ")", canvas);
      return null;
    }
  }

  function renderAll() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) render(canvases[i]);
  }

  window.EvenBetterCharts = { render: render };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
