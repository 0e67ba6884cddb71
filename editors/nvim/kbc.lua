-- `kbc lsp` for Neovim 0.7 to 0.10 (Debian 12 ships 0.7.2), without
-- nvim-lspconfig: put this file in your config (or `dofile` it from init.lua).
-- Neovim 0.11+ needs only the two lines in kbc's README ("In your editor").
-- Every Markdown file inside a knowledge base (a book.toml in its folder or
-- above, else an articles/ folder above it) is attached to one `kbc lsp` per
-- knowledge base.
local cmd = { 'kbc', 'lsp' } -- or the full path of kbc

local function kb_root(file)
  local dir = vim.fn.fnamemodify(file, ':p:h') .. ';'
  local found = vim.fn.findfile('book.toml', dir)
  if found ~= '' then
    return vim.fn.fnamemodify(found, ':p:h')
  end
  found = vim.fn.finddir('articles', dir) -- book.toml is optional
  if found ~= '' then
    return vim.fn.fnamemodify(found, ':p:h:h')
  end
  return nil
end

local clients = {} -- root -> client id, for 0.7 (vim.lsp.start reuses by itself)

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'markdown',
  callback = function(args)
    local root = kb_root(vim.api.nvim_buf_get_name(args.buf))
    if not root then
      return
    end
    if vim.lsp.start then -- 0.8+
      vim.lsp.start({ name = 'kbc', cmd = cmd, root_dir = root }, { bufnr = args.buf })
      return
    end
    clients[root] = clients[root] or vim.lsp.start_client({ name = 'kbc', cmd = cmd, root_dir = root })
    vim.lsp.buf_attach_client(args.buf, clients[root])
    vim.bo[args.buf].omnifunc = 'v:lua.vim.lsp.omnifunc' -- <C-x><C-o> completes (0.8+ sets it itself)
  end,
})
