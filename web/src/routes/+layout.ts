// The pages talk to the API and the live board from the browser; the server only hands out the app.
export const ssr = false;
