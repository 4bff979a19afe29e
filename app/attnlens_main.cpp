int main()
{
    return 1; // replaced by the desktop app (issue 6)
}
