// Regression: a 1-16-16-1 network learns sin(x) on [-pi, pi] from 256 samples, with Adam in
// mini-batches, and draws what it learned.
//
// Shows fit on a regression problem: an identity output layer, mean squared error, mini-batches
// shuffled each epoch, a per-epoch callback that draws a progress bar. At the end it measures the
// largest error on a grid ten times finer than the training points, writes an SVG with the fitted
// curve against sin(x) and the loss per epoch (argv[1], default sine.svg in the current directory),
// and exits non-zero if the error is too large: CI runs it as a test.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <numbers>
#include <vector>

#include <unistd.h>  // isatty, fileno: the progress bar redraws one line only on a terminal

#include <fixnet/fixnet.hpp>

namespace {

// Two hidden tanh layers, 321 parameters in all: plenty for one period of sin. The output is
// linear (identity), as a regression's must be to reach any value.
using net_t = fixnet::network<float, 1, fixnet::dense<16, fixnet::tanh>, fixnet::dense<16, fixnet::tanh>,
                              fixnet::dense<1, fixnet::identity>>;

constexpr double pi = std::numbers::pi;
constexpr std::size_t sample_count = 256;
constexpr std::size_t batch_size = 32;
// Adam at a constant rate keeps jumping around the minimum (the loss spikes now and then by a factor
// of 100), so training ends with a tenth of the rate: a step decay, as two calls to fit that share
// the optimizer's state.
struct phase {
    std::size_t epochs;
    float learning_rate;
};
constexpr std::array<phase, 2> phases{{{2000, 0.003f}, {500, 0.0003f}}};
constexpr std::size_t epochs = phases[0].epochs + phases[1].epochs;
constexpr std::size_t check_points = 2561;  // the error check's grid: 10x finer than the samples
// The largest |net(x) - sin(x)| accepted on that grid. Measured: 0.0053 to 0.0063 with g++ and
// clang++ on AVX-512, AVX2, SSE4.2 and the scalar kernels, whose float roundings differ and so
// take slightly different paths through training; the bound leaves three times that.
constexpr double max_error_allowed = 0.02;

// The samples: evenly spaced over [-pi, pi], both ends included, so the fit has no gaps to
// extrapolate across.
float sample_x(std::size_t k, std::size_t count) {
    return static_cast<float>(-pi + 2 * pi * static_cast<double>(k) / static_cast<double>(count - 1));
}

/// Draws the progress of training: on a terminal one line redrawn in place, otherwise (a log, a
/// pipe, CI) a plain line now and then, since '\r' would leave every redraw in the file.
class progress_bar {
public:
    explicit progress_bar(std::size_t total) : total_{total}, terminal_{isatty(fileno(stdout)) != 0} {}

    void update(std::size_t epoch, float loss) {
        if (terminal_) {
            // Redrawing costs a write to the terminal: 100 redraws are smooth enough.
            if (epoch % std::max<std::size_t>(total_ / 100, 1) != 0 && epoch != total_) return;
            constexpr std::size_t width = 40;
            std::size_t const filled = width * epoch / total_;
            std::printf("\r[");
            for (std::size_t i = 0; i < width; ++i) std::putchar(i < filled ? '#' : '.');
            std::printf("] epoch %4zu/%zu  loss %.3e", epoch, total_, double(loss));
            std::fflush(stdout);
        } else if (epoch == 1 || epoch % std::max<std::size_t>(total_ / 10, 1) == 0 || epoch == total_) {
            std::printf("epoch %4zu/%zu  loss %.3e\n", epoch, total_, double(loss));
        }
    }
    void finish() {
        if (terminal_) std::putchar('\n');
    }

private:
    std::size_t total_;
    bool terminal_;
};

/// A plot area in the SVG: maps data coordinates into a rectangle of the picture (y upwards).
struct panel {
    double left, top, width, height;
    double x_min, x_max, y_min, y_max;
    [[nodiscard]] double px(double x) const { return left + (x - x_min) / (x_max - x_min) * width; }
    [[nodiscard]] double py(double y) const { return top + height - (y - y_min) / (y_max - y_min) * height; }
};

void svg_polyline(std::FILE* f, const panel& p, const std::vector<double>& xs, const std::vector<double>& ys,
                  const char* style) {
    // Round joins: with the default miter joins ImageMagick's renderer (convert sine.svg sine.png)
    // draws a stray line from the end of a thick curve back to its start.
    std::fprintf(f, "<path fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\" %s d=\"", style);
    for (std::size_t i = 0; i < xs.size(); ++i) std::fprintf(f, "%c%.1f %.1f ", i == 0 ? 'M' : 'L', p.px(xs[i]), p.py(ys[i]));
    std::fprintf(f, "\"/>\n");
}

void svg_frame(std::FILE* f, const panel& p, const char* title, const char* x_label) {
    std::fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n", p.left,
                 p.top, p.width, p.height);
    std::fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"15\">%s</text>\n",
                 p.left + p.width / 2, p.top - 12, title);
    std::fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", p.left + p.width / 2,
                 p.top + p.height + 36, x_label);
}

void svg_grid_x(std::FILE* f, const panel& p, double x, const char* label) {
    std::fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", p.px(x), p.top, p.px(x),
                 p.top + p.height);
    std::fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", p.px(x), p.top + p.height + 16, label);
}

void svg_grid_y(std::FILE* f, const panel& p, double y, const char* label) {
    std::fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", p.left, p.py(y),
                 p.left + p.width, p.py(y));
    std::fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", p.left - 6, p.py(y) + 4, label);
}

/// Two panels side by side: the network against sin(x), and the loss per epoch on a log scale.
bool write_svg(const char* path, const net_t& net, const std::vector<float>& losses) {
    std::FILE* f = std::fopen(path, "w");
    if (f == nullptr) return false;
    std::fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" height=\"420\" "
                    "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");

    panel const fit_panel{60, 40, 400, 320, -pi, pi, -1.25, 1.25};
    svg_frame(f, fit_panel, "fixnet 1-16-16-1 (tanh) vs sin(x)", "x");
    constexpr std::array<const char*, 5> x_names{"-\u03c0", "-\u03c0/2", "0", "\u03c0/2", "\u03c0"};
    for (std::size_t i = 0; i < x_names.size(); ++i) svg_grid_x(f, fit_panel, -pi + pi / 2 * static_cast<double>(i), x_names[i]);
    constexpr std::array<const char*, 5> y_names{"-1", "-0.5", "0", "0.5", "1"};
    for (std::size_t i = 0; i < y_names.size(); ++i) svg_grid_y(f, fit_panel, -1 + 0.5 * static_cast<double>(i), y_names[i]);
    std::vector<double> xs, truth, fitted;
    for (std::size_t k = 0; k < 401; ++k) {
        float const x = sample_x(k, 401);
        xs.push_back(x);
        truth.push_back(std::sin(double(x)));
        fitted.push_back(net.forward({x})[0]);
    }
    svg_polyline(f, fit_panel, xs, truth, "stroke=\"#bbb\" stroke-width=\"6\"");
    svg_polyline(f, fit_panel, xs, fitted, "stroke=\"#d62728\" stroke-width=\"2\"");
    std::fprintf(f, "<line x1=\"80\" y1=\"62\" x2=\"110\" y2=\"62\" stroke=\"#bbb\" stroke-width=\"6\"/>"
                    "<text x=\"116\" y=\"66\">sin(x)</text>\n"
                    "<line x1=\"80\" y1=\"82\" x2=\"110\" y2=\"82\" stroke=\"#d62728\" stroke-width=\"2\"/>"
                    "<text x=\"116\" y=\"86\">network</text>\n");

    // The loss falls by orders of magnitude, so plot log10 of it between whole decades.
    double lo = 0, hi = 0;
    std::vector<double> epoch_axis, log_loss;
    for (std::size_t e = 0; e < losses.size(); ++e) {
        double const l = std::log10(std::max(double(losses[e]), 1e-30));
        lo = e == 0 ? l : std::min(lo, l);
        hi = e == 0 ? l : std::max(hi, l);
        epoch_axis.push_back(static_cast<double>(e + 1));
        log_loss.push_back(l);
    }
    lo = std::floor(lo);
    hi = std::max(std::ceil(hi), lo + 1);
    panel const loss_panel{570, 40, 400, 320, 1, static_cast<double>(std::max<std::size_t>(losses.size(), 2)), lo, hi};
    svg_frame(f, loss_panel, "training loss (mean squared error)", "epoch");
    char label[32];
    for (double d = lo; d <= hi; d += 1) {
        std::snprintf(label, sizeof label, "1e%d", static_cast<int>(d));
        svg_grid_y(f, loss_panel, d, label);
    }
    // Epoch ticks at a round step (1, 2 or 5 times a power of ten) giving at most 6 of them.
    double step = 1;
    for (double decade = 1; loss_panel.x_max / step > 6; decade *= 10)
        for (double const m : {1.0, 2.0, 5.0})
            if (loss_panel.x_max / step > 6) step = m * decade;
    for (double x = step; x <= loss_panel.x_max; x += step) {
        std::snprintf(label, sizeof label, "%.0f", x);
        svg_grid_x(f, loss_panel, x, label);
    }
    svg_polyline(f, loss_panel, epoch_axis, log_loss, "stroke=\"#1f77b4\" stroke-width=\"1.5\"");
    // Where the learning rate drops: the step in the curve is that, not something in the data.
    double const drop = static_cast<double>(phases[0].epochs);
    std::fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">rate / 10</text>\n",
                 loss_panel.px(drop), loss_panel.top, loss_panel.px(drop), loss_panel.top + loss_panel.height,
                 loss_panel.px(drop) - 4, loss_panel.top + 16);

    std::fprintf(f, "</svg>\n");
    return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    char const* const svg_path = argc > 1 ? argv[1] : "sine.svg";
    std::printf("sin(x) on [-pi, pi] with a 1-16-16-1 network (tanh, tanh, identity): %zu samples,\n"
                "Adam, mean squared error, mini-batches of %zu shuffled each epoch: %zu epochs at rate %g,\n"
                "then %zu at %g.\n\n",
                sample_count, batch_size, phases[0].epochs, double(phases[0].learning_rate), phases[1].epochs,
                double(phases[1].learning_rate));

    std::vector<net_t::input_type> inputs;
    std::vector<net_t::output_type> targets;
    for (std::size_t k = 0; k < sample_count; ++k) {
        float const x = sample_x(k, sample_count);
        inputs.push_back({x});
        targets.push_back({static_cast<float>(std::sin(double(x)))});
    }

    net_t net{};
    fixnet::initialize(net, 7);
    // Adam's averages and step count carry over from one phase to the next: only the rate changes.
    static fixnet::optimizer_state<net_t, fixnet::adam<float>> state{};  // m, v and the gradient: about 4 KB, kept off the stack

    std::vector<float> losses;
    progress_bar bar{epochs};
    float last_loss = 0;
    for (std::size_t i = 0; i < phases.size(); ++i) {
        fixnet::adam<float> const opt{.learning_rate = phases[i].learning_rate};
        // fit counts epochs from 1 in each call; the bar counts across the phases. Each phase
        // shuffles from its own seed, so the second does not replay the first one's order.
        auto const r = fixnet::fit<fixnet::mean_squared_error>(net, inputs, targets, opt, state,
                                                               {.epochs = phases[i].epochs, .batch_size = batch_size, .seed = i + 1},
                                                               [&](std::size_t, float loss) {
                                                                   losses.push_back(loss);
                                                                   bar.update(losses.size(), loss);
                                                               });
        if (fixnet::failed(r.code)) {
            bar.finish();
            auto const why = fixnet::to_string(r.code);
            std::printf("fit failed: %.*s\n", static_cast<int>(why.size()), why.data());
            return 1;
        }
        last_loss = r.loss;
    }
    bar.finish();

    double max_error = 0, at = 0;
    for (std::size_t k = 0; k < check_points; ++k) {
        float const x = sample_x(k, check_points);
        double const e = std::fabs(double(net.forward({x})[0]) - std::sin(double(x)));
        if (e > max_error) max_error = e, at = double(x);
    }
    std::printf("\nafter %zu epochs: training loss %.3e; max |net(x) - sin(x)| on %zu points = %.4f (at x = %.3f)\n",
                losses.size(), double(last_loss), check_points, max_error, at);

    if (write_svg(svg_path, net, losses))
        std::printf("plot written to %s\n", svg_path);
    else
        std::printf("could not write %s\n", svg_path);

    bool const good = max_error <= max_error_allowed;
    std::printf("%s (max error allowed %.3f)\n", good ? "sine learned" : "sine NOT learned", max_error_allowed);
    return good ? 0 : 1;
}
