#include "ui/keyboard_help.h"

#include <QObject>

namespace attnlens {

QString keyboardHelpText()
{
    return QObject::tr(
        "<table cellspacing='6'>"
        "<tr><td><b>]</b> or <b>Ctrl+Right</b></td><td>next head (then mean, max)</td></tr>"
        "<tr><td><b>[</b> or <b>Ctrl+Left</b></td><td>previous head</td></tr>"
        "<tr><td><b>Ctrl+]</b> / <b>Ctrl+[</b></td><td>next / previous attention call</td></tr>"
        "<tr><td><b>Up</b> / <b>Down</b></td><td>previous / next sample (in the sample table or on "
        "the map)</td></tr>"
        "<tr><td><b>PageUp</b> / <b>PageDown</b></td><td>a page of samples back / forward</td></tr>"
        "<tr><td><b>Ctrl+Up</b> / <b>Ctrl+Down</b></td><td>previous / next sample from "
        "anywhere</td></tr>"
        "<tr><td><b>Ctrl+G</b>, an id, <b>Enter</b></td><td>go to the sample with that id</td></tr>"
        "<tr><td>mouse wheel, drag</td><td>zoom, pan the heatmap</td></tr>"
        "<tr><td><b>R</b> (on the map) or <b>Ctrl+0</b></td><td>reset zoom</td></tr>"
        "<tr><td><b>Ctrl+O</b> / <b>Ctrl+D</b></td><td>open model / open data</td></tr>"
        "<tr><td><b>Ctrl+Shift+O</b></td><td>reopen the last session's files and view</td></tr>"
        "<tr><td><b>Ctrl+Shift+S</b></td><td>save the session (files, data options, view) to "
        "a file to share</td></tr>"
        "<tr><td><b>Ctrl+E</b></td><td>export image (PNG, JPG, PDF, SVG)</td></tr>"
        "<tr><td><b>Ctrl+Shift+E</b></td><td>export the matrix as CSV</td></tr>"
        "<tr><td><b>Ctrl+Shift+C</b></td><td>copy the image to the clipboard</td></tr>"
        "<tr><td><b>Ctrl+B</b></td><td>batch export (heads, attention calls, samples)</td></tr>"
        "</table>"
        "<p>Drop files on the window: <i>.keras</i> opens a model, <i>.csv/.npy/.npz</i> data, "
        "a <i>.weights.h5</i> with its <i>.json</i> a weights-only model; an <i>.h5</i> opens as "
        "a model unless a model is already open, then as data.</p>");
}

} // namespace attnlens
