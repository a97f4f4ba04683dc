// Starts GOV.UK Frontend's components. Loaded as an ES module from a static file: the CSP allows
// no inline scripts. Browsers without module support never run this and get the plain HTML.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
