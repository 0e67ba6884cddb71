-- `kbc lsp` driven by Neovim's own LSP client (issue 16), run by .ci/nvim as
--   nvim --headless -u INIT ARTICLE -c 'luafile .ci/nvim-test.lua'
-- where INIT is the README's snippet (0.11+) or editors/nvim/kbc.lua (0.7+).
-- Types an unknown cloud into the article's header, waits for the
-- diagnostic and asserts its range, picks the preferred quick fix from the
-- code action menu as an author would, asserts the text and that the
-- diagnostic clears, then asks for completion of a header value.
local TIMEOUT = 60000
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)

local function say(msg)
  io.stderr:write('nvim ' .. tostring(vim.version().minor) .. ': ' .. msg .. '\n')
end

local function fail(msg)
  say('FAILED: ' .. msg)
  vim.cmd('cquit 1')
end

local function wait(what, cond)
  if not vim.wait(TIMEOUT, cond, 20) then
    fail('timed out waiting for ' .. what)
  end
end

local function clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf, name = 'kbc' })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(buf))
end

-- The version of each publishDiagnostics, to know which text it is about.
local published = {}
local default = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  default(err, result, ctx, config)
  published[result.uri] = result.version or -1
end

local function current()
  return vim.lsp.util.buf_versions[buf]
end

local function findings(code)
  return vim.tbl_filter(function(d)
    return d.code == code
  end, vim.diagnostic.get(buf))
end

wait('kbc lsp to attach', function()
  return #clients() > 0
end)
wait('the first diagnostics', function()
  return published[uri] ~= nil
end)
say('attached; findings on open: ' .. #vim.diagnostic.get(buf))
-- What the README promises: <C-x><C-o> completes, and (0.11) `gra` lists code actions.
if vim.bo[buf].omnifunc ~= 'v:lua.vim.lsp.omnifunc' then
  fail('omnifunc is ' .. vim.bo[buf].omnifunc)
end
if vim.fn.has('nvim-0.11') == 1 and vim.fn.maparg('gra', 'n') == '' then
  fail('no gra mapping')
end
if #findings('KB013') > 0 then
  fail('KB013 before any edit')
end

-- Misspell the first cloud of cloudEnvironments' value (`public` -> `publik`).
local row, col
for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local s, e = line:find('cloudEnvironments="', 1, true)
  if s then
    row, col = i - 1, e
    break
  end
end
if not row then
  fail('no cloudEnvironments in the header')
end
local before = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
if before:sub(col + 1, col + 6) ~= 'public' then
  fail('cloudEnvironments does not start with public: ' .. before)
end
vim.api.nvim_buf_set_text(buf, row, col, row, col + 6, { 'publik' })
wait('KB013 after typing', function()
  return published[uri] == current() and #findings('KB013') > 0
end)
local d = findings('KB013')
if #d ~= 1 then
  fail(#d .. ' KB013 diagnostics, expected 1')
end
d = d[1]
if d.lnum ~= row or d.col ~= col or d.end_lnum ~= row or d.end_col ~= col + #'publik' then
  fail(string.format('KB013 at %d:%d-%d:%d, expected %d:%d-%d:%d', d.lnum, d.col, d.end_lnum, d.end_col, row, col, row, col + 6))
end
if d.severity ~= vim.diagnostic.severity.ERROR then
  fail('KB013 severity ' .. tostring(d.severity))
end
say(string.format('KB013 at %d:%d-%d (%s)', row, col, col + 6, (d.message:gsub('\n', ' / '))))

-- The code action menu (vim.ui.select): pick the preferred quick fix.
local menu, picked = {}, nil
vim.ui.select = function(items, _, on_choice)
  local choice
  for i, item in ipairs(items) do
    local action = item.action or item[2] -- 0.11: {action, ctx}; 0.7: {client_id, action}
    table.insert(menu, action.title)
    if action.isPreferred and not choice then
      choice = i
    end
  end
  picked = choice and menu[choice]
  on_choice(choice and items[choice], choice)
end
vim.api.nvim_win_set_cursor(0, { row + 1, col })
local tick = vim.api.nvim_buf_get_changedtick(buf)
vim.lsp.buf.code_action()
wait('the quick fix to be applied', function()
  return vim.api.nvim_buf_get_changedtick(buf) ~= tick
end)
local after = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
local expected = before
if after ~= expected then
  fail('after the fix: ' .. after .. '\nexpected:      ' .. expected)
end
say('menu: ' .. table.concat(menu, ' | ') .. '; picked: ' .. tostring(picked))
wait('KB013 to clear', function()
  return published[uri] == current() and #findings('KB013') == 0
end)
say('fixed: ' .. vim.trim(after) .. '; KB013 cleared')

-- Completion of a header value: selfHelpType's.
local line
for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local _, e = l:find('selfHelpType="', 1, true)
  if e then
    line = { i - 1, e }
    break
  end
end
local params = { textDocument = { uri = uri }, position = { line = line[1], character = line[2] } }
local replies = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, TIMEOUT) or {}
local labels = {}
for _, reply in pairs(replies) do
  local result = reply.result or {}
  for _, item in ipairs(result.items or result) do
    table.insert(labels, item.label)
  end
end
if not vim.tbl_contains(labels, 'generic') then
  fail('selfHelpType completion: ' .. table.concat(labels, ', '))
end
say('selfHelpType completion: ' .. table.concat(labels, ', '))
vim.cmd('qall!')
