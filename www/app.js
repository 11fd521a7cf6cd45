// The self-test. This file is a module script: browsers run it only when the
// server sends it with a JavaScript media type, so merely running is check one.
// The other checks ask the server what a correct one answers.

async function status(path, method = "GET") {
    const response = await fetch(path, { method, cache: "no-store" });
    return response;
}

const checks = {
    // Passed by style.css itself; read back here so the summary can count it.
    css: async () => getComputedStyle(document.querySelector("#check-css .yes")).display !== "none",
    js: async () => true,
    image: async () => {
        const logo = document.getElementById("logo");
        await logo.decode();
        return logo.naturalWidth > 0;
    },
    favicon: async () => {
        const response = await status("/favicon.ico");
        return response.ok && (response.headers.get("Content-Type") || "").startsWith("image/");
    },
    subpage: async () => {
        const response = await status("/about/");
        return response.ok && (await response.text()).includes('data-page="about"');
    },
    redirect: async () => {
        // `/about` without its slash, in a frame: the page there shows
        // <img src="cat.svg">, which the browser finds only if the server
        // redirected it to `/about/` (else it asks for `/cat.svg`, a 404).
        const frame = document.createElement("iframe");
        frame.style.cssText = "position: absolute; left: -9999px; width: 10px; height: 10px";
        const loaded = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
        frame.src = "/about";
        document.body.append(frame);
        await loaded;
        const cat = frame.contentDocument?.getElementById("cat");
        const ok = frame.contentWindow.location.pathname === "/about/"
            && cat !== null && cat !== undefined && cat.complete && cat.naturalWidth > 0;
        frame.remove();
        return ok;
    },
    head: async () => {
        const get = await status("/");
        const head = await status("/", "HEAD");
        const body = await head.text();
        return head.ok && body.length === 0
            && head.headers.get("Content-Length") === get.headers.get("Content-Length")
            && head.headers.get("Content-Type") === get.headers.get("Content-Type");
    },
    missing: async () => (await status("/no-such-page")).status === 404,
    traversal: async () => {
        // fetch() would tidy "/../" away before sending; an encoded slash it leaves alone.
        const response = await status("/..%2fCargo.toml");
        return response.status === 403 || response.status === 404;
    },
    post: async () => (await status("/", "POST")).status === 403,
    delete: async () => {
        const response = await status("/", "DELETE");
        return response.status === 405 && response.headers.get("Allow") === "GET, HEAD";
    },
};

let passed = 0;
for (const [name, check] of Object.entries(checks)) {
    const item = document.getElementById(`check-${name}`);
    let ok = false;
    try {
        ok = await check();
    } catch (error) {
        console.error(`check ${name}:`, error);
    }
    item.classList.add(ok ? "passed" : "failed");
    item.dataset.state = ok ? "ok" : "fail";
    if (ok) passed += 1;
}

const total = Object.keys(checks).length;
const summary = document.getElementById("summary");
summary.textContent = passed === total
    ? `All ${total} checks passed.`
    : `${total - passed} of ${total} checks failed.`;
summary.classList.add(passed === total ? "all-ok" : "some-failed");
document.body.dataset.result = passed === total ? "ok" : "fail";
