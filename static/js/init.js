// Initialise every GOV.UK Frontend component on the page.
// Loaded with <script type="module"> so browsers without ES module support
// (no "govuk-frontend-supported" class, see supported.js) skip it.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
