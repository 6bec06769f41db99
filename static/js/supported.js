// Loaded (not inline: the CSP is script-src 'self') at the top of <body>, before any
// content renders, so GOV.UK Frontend's JS-dependent styles apply without a flash.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
